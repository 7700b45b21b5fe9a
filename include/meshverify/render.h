#pragma once
// Renderers: Report -> text. Pure functions; the CLI writes files. Every renderer has golden
// tests in tests/report/ (tests/data/report/*.gold).

#include <string>

#include "meshverify/report.h"

namespace meshverify {

// Pretty JSON (2-space indent, trailing newline) of ReportToJson.
std::string RenderJson(const Report& report);
// A table a person reads at a glance: verdict, per source counts, shares, intervals,
// expected, gate; checks with hints.
std::string RenderText(const Report& report);
// GitHub-flavoured Markdown, for CI job summaries.
std::string RenderMarkdown(const Report& report);
// JUnit XML: one testsuite, one testcase per check (failure / skipped as JUnit has them).
std::string RenderJUnit(const Report& report);
// A self-contained HTML page (no external resources).
std::string RenderHtml(const Report& report);

}  // namespace meshverify
