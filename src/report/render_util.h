#pragma once
// Helpers shared by the renderers: deterministic number formatting (no locale), escaping for
// each output language, column layout, and the one-sentence verdict summary. Pure functions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/format.h"
#include "meshverify/report.h"

namespace meshverify::render {

// Fixed(v, decimals) and Percent(share): the numbers of every text (meshverify/format.h).
using ::meshverify::Fixed;
using ::meshverify::Percent;
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

// SourceLabel, ErrorCount and MoreRequestsToDecide are report.h's: one meaning for every
// renderer and the checks.
using ::meshverify::ErrorCount;
using ::meshverify::MoreRequestsToDecide;
using ::meshverify::SourceLabel;
// A gate in a table cell: its name, or "-" when not gated.
std::string GateCell(GateVerdict g);
// "PASS", "FAIL", "INCONCLUSIVE", "ERROR" / "SKIP" for checks.
std::string VerdictWord(Verdict v);
std::string StatusWord(CheckStatus s);
// One sentence saying why the verdict is what it is (no verdict word, no trailing newline),
// e.g. "2 of 4 checks failed (reachability, balance) over 2000 requests from 2 sources."
std::string VerdictReason(const Report& r);

// The per-connection picture of one source (SourceReport::by_connection), one line without a
// trailing newline: "4 connections carried 1200 answers, 4 of them answered by one instance
// each: #1 helloworld-v2-a 300, #2 ..." (at most 8 connections named). "" when there are none.
std::string ConnectionSummary(const SourceReport& s);

}  // namespace meshverify::render
