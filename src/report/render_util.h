#pragma once
// Helpers shared by the renderers: deterministic number formatting (no locale), escaping for
// each output language, column layout, and the one-sentence verdict summary. Pure functions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/report.h"

namespace meshverify::render {

// `v` with exactly `decimals` digits after the point ("12.50"); never "-0.0"; "n/a" when not
// finite. Independent of the C and C++ locales.
std::string Fixed(double v, int decimals);
// A share as a percentage with one decimal: 0.5 -> "50.0%".
std::string Percent(double share);
// A p-value: four decimals, or "<0.0001" when smaller but positive.
std::string PValue(double p);
// An interval of shares: "[47.1%, 52.9%]".
std::string Interval(double lo, double hi);
// A two-sided level as a percentage, trailing zeros dropped: 0.98 -> "98%", 0.99875 ->
// "99.875%"; ">99.9999%" above that; "" when `level` <= 0 (unknown, older reports).
std::string Level(double level);
// An interval and its level: "[47.1%, 52.9%] 98%" (no level when unknown).
std::string IntervalWithLevel(double lo, double hi, double level);

// `s` with every invalid UTF-8 sequence replaced by U+FFFD.
std::string CleanUtf8(std::string_view s);
// CleanUtf8, then control characters (C0, DEL) replaced by '?' and newlines/tabs by spaces:
// safe to print on a terminal, one line.
std::string OneLine(std::string_view s);
// Characters of XML 1.0 only (invalid ones -> U+FFFD), with & < > " ' as entities; tab, CR and
// LF as character references when `attribute` (attribute value normalization would eat them).
std::string XmlEscape(std::string_view s, bool attribute);
// Text for a GitHub Markdown table cell or paragraph: one line, Markdown and HTML specials
// escaped.
std::string MarkdownEscape(std::string_view s);

// Number of code points (a good enough display width for names and numbers).
size_t DisplayWidth(std::string_view s);
// `s` cut to `width` code points, the last one replaced by '~' when cut.
std::string Truncate(std::string_view s, size_t width);
std::string PadRight(std::string_view s, size_t width);
std::string PadLeft(std::string_view s, size_t width);
// Greedy word wrap to lines of at most `width` code points (a longer word gets its own line).
std::vector<std::string> Wrap(std::string_view text, size_t width);

// "cluster1/sleep-abc", or whichever part is known, or "(unnamed source)".
std::string SourceLabel(const SourceReport& s);
uint64_t ErrorCount(const SourceReport& s);
// Largest number of additional requests per source that would decide an inconclusive gate
// (requests_to_decide - requests over the sources, or the total when there are none); 0 when
// unknown or decided.
uint64_t MoreRequestsToDecide(const Report& r);
uint64_t MoreRequestsToDecide(const SourceReport& s);
// "PASS", "FAIL", "INCONCLUSIVE", "ERROR" / "SKIP" for checks.
std::string VerdictWord(Verdict v);
std::string StatusWord(CheckStatus s);
// One sentence saying why the verdict is what it is (no verdict word, no trailing newline),
// e.g. "2 of 4 checks failed (reachability, balance) over 2000 requests from 2 sources."
std::string VerdictReason(const Report& r);

}  // namespace meshverify::render
