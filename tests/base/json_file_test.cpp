// Strict JSON files: syntax errors with a line and column, duplicate keys refused by path, and
// typed fields whose errors name the file and the field.
#include "base/error.h"
#include "base/json_file.h"
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <functional>

using namespace pkitool;
using json_file::Object;

namespace {

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("json file: syntax errors say where, duplicate keys are refused", "[json]") {
    CHECK(json_file::parse(R"({"a": [1, {"b": true}], "c": "x"})", "f.json") == json_file::json::parse(R"({"a": [1, {"b": true}], "c": "x"})"));
    CHECK(json_file::parse("[1, 2.5, null, \"s\"]", "f.json").size() == 4);
    CHECK_THAT(error_of([] { json_file::parse("{\n  \"a\": 1,\n  \"b\": ]\n}", "f.json"); }),
               Catch::StartsWith("f.json: not valid JSON: line 3 column 8: syntax error"));
    CHECK_THAT(error_of([] { json_file::parse("", "f.json"); }), Catch::StartsWith("f.json: not valid JSON: line 1 column 1: "));
    // nlohmann's DOM parser would keep the last value; which one the writer meant is unknown.
    CHECK(error_of([] { json_file::parse(R"({"a": 1, "a": 2})", "f.json"); }) == "f.json: a: duplicate key (give each field once)");
    CHECK(error_of([] { json_file::parse(R"({"p": [{"x": 1}, {"n": 1, "m": {"k": 1, "k": 1}}]})", "f.json"); }) ==
          "f.json: p[1].m.k: duplicate key (give each field once)");
    // The same key in two objects is no duplicate.
    CHECK_NOTHROW(json_file::parse(R"({"p": [{"name": 1}, {"name": 2}], "name": 3})", "f.json"));

    test::TempDir t;
    std::ofstream(t / "c.json") << R"({"k": 1})";
    CHECK(json_file::read(t / "c.json")["k"] == 1);
    CHECK_THAT(error_of([&] { json_file::read(t / "missing.json"); }), Catch::Contains("missing.json: cannot read"));
}

TEST_CASE("json file: fields are read by type and named in errors", "[json]") {
    const auto doc = json_file::parse(R"({"s": "x", "n": 7, "neg": -3, "b": false, "l": ["a", "b"], "mixed": ["a", 1],
                                          "o": {"inner": 1}, "list": [{"z": 1}, 2]})", "f.json");
    const Object top(doc, "f.json", "", NextStep{NextStep::Kind::ProfilesFormat, "the step"});
    CHECK(top.string("s") == "x");
    CHECK_FALSE(top.string("absent"));
    CHECK(top.whole_number("n") == 7u);
    CHECK(top.integer("neg") == -3);
    CHECK(top.boolean("b") == false);
    CHECK(top.strings("l") == std::vector<std::string>{"a", "b"});
    CHECK(top.array("list")->size() == 2);
    CHECK(error_of([&] { top.string("n"); }) == "f.json: n: must be a string");
    CHECK(error_of([&] { top.string("n", "a non-empty string"); }) == "f.json: n: must be a non-empty string");
    CHECK(error_of([&] { top.whole_number("neg"); }) == "f.json: neg: must be a whole number");
    CHECK(error_of([&] { top.boolean("s"); }) == "f.json: s: must be true or false");
    CHECK(error_of([&] { top.strings("mixed"); }) == "f.json: mixed: must be a list of strings");
    CHECK(error_of([&] { top.only({"s", "n"}); }) == "f.json: b: unknown field");
    CHECK(error_of([&] { top.only({"s", "n", "neg", "l", "mixed", "o", "list"}, true); }) ==
          "f.json: b: unknown field (known: s, n, neg, l, mixed, o, list)");

    // Paths name nested fields; the next step travels with every error.
    const auto o = top.object("o");
    CHECK(o.where() == "f.json: o");
    CHECK(error_of([&] { o.string("inner"); }) == "f.json: o.inner: must be a string");
    const auto first = top.element((*top.array("list"))[0], "list", 0);
    CHECK(error_of([&] { first.fail("z", "is wrong"); }) == "f.json: list[0].z: is wrong");
    CHECK(error_of([&] { top.element((*top.array("list"))[1], "list", 1); }) == "f.json: list[1]: must be an object");
    CHECK(error_of([&] { top.object("absent"); }) == "f.json: absent: missing (an object is required)");
    try {
        top.fail("s", "x");
    } catch (const Error& e) {
        CHECK(e.hint() == "the step");
    }
    // A labelled object names its fields after a colon.
    const Object labelled(doc["o"], "f.json", "profiles[0] (vm)", std::nullopt, Object::Naming::Field);
    CHECK(error_of([&] { labelled.string("inner"); }) == "f.json: profiles[0] (vm): inner: must be a string");
}
