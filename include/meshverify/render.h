#pragma once
// Renderers: Report -> text. Pure functions; the CLI writes files. Every renderer has golden
// tests in tests/report/ (tests/data/report/*.gold).
//
// The registry (Renderers()) is the one list of output formats: the CLI's -o and file flags,
// `meshverify report`, the golden tests, the report fuzz target and scripts/update-goldens.sh
// (through `meshverify report --list-formats`) all read it. A new format is a new
// src/report/render_<name>.cc with its Render function, declared here, and one row in
// src/report/renderers.cc.

#include <span>
#include <string>
#include <string_view>

#include "meshverify/report.h"

namespace meshverify {

// One output format.
struct Renderer {
  std::string_view name;       // -o NAME: "text", "json", "markdown", "junit", "html"
  std::string_view extension;  // of its files and goldens: "txt", "json", "md", "xml", "html"
  std::string_view file_flag;  // --FLAG PATH writes it to a file; "" when there is none (text)
  std::string_view summary;    // for --help: "a JUnit XML report"
  std::string (*render)(const Report&);
};

// Every output format, text first. The table lives in src/report/renderers.cc.
std::span<const Renderer> Renderers();

// The format named `name`, or whose extension is `name` ("md", "xml"); nullptr when none.
const Renderer* FindRenderer(std::string_view name);

// "text, json, markdown, junit or html": the names, for messages.
std::string RendererNames();
// "text | json | markdown | junit | html": the names as --help lists a flag's choices (the man
// page and shell completion are generated from --help).
std::string RendererChoices();

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
