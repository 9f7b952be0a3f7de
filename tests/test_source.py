"""Tests for procflow.source: YAML loading with a source map, strictness and hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from counting import count_work
from procflow.diagnostics import Finding, LoadError, Location, Severity
from procflow.model.validation import validate_process
from procflow.source import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, Document, load_document
from procflow.source.scalars import offset_mark


def load_error(text: str, path: str = "p.yaml") -> LoadError:
    """The LoadError that loading ``text`` raises (fails the test if it loads)."""
    with pytest.raises(LoadError) as info:
        load_document(path, text=text)
    return info.value


def codes_at(error: LoadError) -> list[tuple[str, int, int]]:
    return [(f.code, f.location.line, f.location.col) for f in error.findings]


def pos(location: Location) -> tuple[int, int]:
    return (location.line, location.col)


def finding_at(code: str, line: int, path: str = "p.yaml") -> Finding:
    return Finding(code, "some-rule", Severity.ERROR, "m", Location(path, line, 1))


# --------------------------------------------------------------------------- source map

NESTED = """\
process: demo
stages:
  label:
    resource: annotator
    duration: {lognormal: {mean: 4.2, sd: 1.6}}
    next:
      - to: qc
        when: severity == "high"
      - to: done
arrivals:
  - name: incoming
    rate: 540 per hour
"""


def test_locations_of_top_level_key_and_value() -> None:
    """A top-level key and its scalar value are located 1-based (line, col)."""
    doc = load_document("p.yaml", text=NESTED)
    assert pos(doc.key_locations[("process",)]) == (1, 1)
    assert pos(doc.value_locations[("process",)]) == (1, 10)
    assert doc.value_locations[("process",)].file == "p.yaml"


def test_locations_in_nested_block_mappings() -> None:
    """Keys and values of nested block mappings are located where they are written."""
    doc = load_document("p.yaml", text=NESTED)
    assert pos(doc.key_locations[("stages",)]) == (2, 1)
    assert pos(doc.value_locations[("stages",)]) == (3, 3)
    assert pos(doc.key_locations[("stages", "label")]) == (3, 3)
    assert pos(doc.key_locations[("stages", "label", "resource")]) == (4, 5)
    assert pos(doc.value_locations[("stages", "label", "resource")]) == (4, 15)


def test_locations_in_flow_mappings() -> None:
    """Keys and values inside ``{...}`` flow mappings get their own columns."""
    doc = load_document("p.yaml", text=NESTED)
    path = ("stages", "label", "duration")
    assert pos(doc.value_locations[path]) == (5, 15)
    assert pos(doc.key_locations[(*path, "lognormal")]) == (5, 16)
    assert pos(doc.key_locations[(*path, "lognormal", "sd")]) == (5, 39)
    assert pos(doc.value_locations[(*path, "lognormal", "sd")]) == (5, 43)


def test_locations_of_list_items_and_their_keys() -> None:
    """List items are indexed by position; an item's value starts after its dash."""
    doc = load_document("p.yaml", text=NESTED)
    nxt = ("stages", "label", "next")
    assert pos(doc.value_locations[(*nxt, 0)]) == (7, 9)
    assert pos(doc.value_locations[(*nxt, 1)]) == (9, 9)
    assert pos(doc.key_locations[(*nxt, 0, "when")]) == (8, 9)
    assert pos(doc.value_locations[(*nxt, 0, "when")]) == (8, 15)
    assert pos(doc.value_locations[(*nxt, 1, "to")]) == (9, 13)
    assert pos(doc.value_locations[("arrivals", 0, "rate")]) == (12, 11)
    assert (*nxt, 0) not in doc.key_locations  # list items have no key


def test_locate_prefers_value_or_key_and_falls_back_to_the_parent() -> None:
    """locate() gives the value (or key), else the nearest written parent, else the file start."""
    doc = load_document("p.yaml", text=NESTED)
    path = ("stages", "label", "resource")
    assert pos(doc.locate(path)) == (4, 15)
    assert pos(doc.locate(path, key=True)) == (4, 5)
    assert pos(doc.locate(("stages", "label", "error_rate"))) == (4, 5)
    assert pos(doc.locate(("nowhere", "at", "all"))) == (1, 1)
    assert doc.has(path)
    assert not doc.has(("stages", "label", "error_rate"))


def test_locations_in_a_list_of_lists() -> None:
    """Lists nested in lists are located item by item."""
    doc = load_document("p.yaml", text="matrix:\n  - [1, 2]\n  - - 3\n    - 4\n")
    assert doc.data == {"matrix": [[1, 2], [3, 4]]}
    assert pos(doc.value_locations[("matrix", 0, 1)]) == (2, 9)
    assert pos(doc.value_locations[("matrix", 1, 0)]) == (3, 7)
    assert pos(doc.value_locations[("matrix", 1, 1)]) == (4, 7)


def test_line_returns_text_of_a_line_and_empty_past_the_end() -> None:
    """Document.line() is 1-based and returns '' outside the file."""
    doc = load_document("p.yaml", text=NESTED)
    assert doc.line(1) == "process: demo"
    assert doc.line(0) == ""
    assert doc.line(999) == ""


def test_byte_order_mark_is_not_counted_in_columns(tmp_path: Path) -> None:
    """A UTF-8 file with a BOM loads, and the BOM does not shift the first line's columns."""
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfprocess: demo\n")
    doc = load_document(path)
    assert doc.data == {"process": "demo"}
    assert pos(doc.value_locations[("process",)]) == (1, 10)


# --------------------------------------------------------------------------- inside a text value


def char_at(text: str, location: Location) -> str:
    """The character at a 1-based line and column, counting lines as YAML does."""
    line, col = 1, 1
    for i, ch in enumerate(text):
        if (line, col) == (location.line, location.col):
            return ch
        if ch in "\n\x85\u2028\u2029" or (ch == "\r" and text[i + 1 : i + 2] != "\n"):
            line, col = line + 1, 1
        elif ch != "\ufeff":
            col += 1
    return ""


WRITTEN_AS = {
    "plain": "k: a b x === 1\n",
    "double-quoted-escapes": 'k: "a\\"b\\" \\x41\\u00e9\\t x === 1"\n',
    "single-quoted-escapes": "k: 'a ''b'' x === 1'\n",
    "plain-continued": "k: a and\n  b\n\n  x === 1\n",
    "double-quoted-continued": 'k: "a and  \n    b \\\n   x === 1"\n',
    "single-quoted-continued": "k: 'a and\n\n    x === 1'\n",
    "literal": "k: |-\n  a\n    b\n  x === 1\n",
    "literal-with-comment-and-blank-lines": "k: | # the rule\n\n  a\n\n  x === 1\n",
    "folded": "k: >-\n  a and\n  b\n\n  x === 1\n",
    "folded-more-indented": "k: >\n  a\n    b\n  x === 1\n",
    "explicit-indentation": "k:\n  - |3-\n      a\n     x === 1\n",
    "anchor-and-tag": "k: &cond !!str\n  a x === 1\n",
    "flow-mapping": "k: {when: 'a x === 1', to: b}\n",
    "flow-sequence-plain": "k: [a\n  x === 1, b]\n",
    "crlf": "k: >-\r\n  a\r\n  x === 1\r\n",
    "byte-order-mark": "\ufeffk: a x === 1\n",
}


@pytest.mark.parametrize("text", WRITTEN_AS.values(), ids=WRITTEN_AS.keys())
def test_locate_in_text_finds_a_character_however_the_text_is_written(text: str) -> None:
    """Escapes, continuation lines and block scalars: the offset of 'x' lands on the 'x'."""
    doc = load_document("p.yaml", text=text)
    path: tuple[object, ...] = ("k",)
    value = doc.data["k"]
    if isinstance(value, dict):
        path, value = ("k", "when"), value["when"]
    elif isinstance(value, list):
        path, value = ("k", 0), value[0]
    where = doc.locate_in_text(path, value.index("x === 1"))
    assert char_at(text, where) == "x"
    line = text.removeprefix("\ufeff").splitlines()[where.line - 1]
    assert line[where.col - 1 :].startswith("x === 1")


def test_locate_in_text_puts_the_end_after_the_last_character() -> None:
    """The offset just past the text (an incomplete condition) is after its last character."""
    doc = load_document("p.yaml", text="a: 'x ==  '\nb: |-\n  x ==\nc: \"\"\n")
    assert pos(doc.locate_in_text(("a",), 10)) == (1, 11)  # the closing quote
    assert pos(doc.locate_in_text(("b",), 4)) == (3, 7)
    assert pos(doc.locate_in_text(("c",), 0)) == (4, 5)  # inside the quotes


def test_locate_in_text_falls_back_to_the_value_start() -> None:
    """Not text (a number, a list), or not written at all: where the value (or parent) is."""
    doc = load_document("p.yaml", text="a: 12345\nb: [x, y]\n")
    assert pos(doc.locate_in_text(("a",), 3)) == (1, 4)
    assert pos(doc.locate_in_text(("b",), 3)) == (2, 4)
    assert pos(doc.locate_in_text(("b", 7), 3)) == (2, 4)


STYLES = [None, "'", '"', "|", ">"]
TEXT = st.lists(
    st.sampled_from([*"ab x=\"'\\#:-&!|>[]{},", " ", "  ", "\t", "\n", "é", "\u3000", "\x85"]),
    max_size=40,
).map("".join)


@settings(max_examples=400)
@given(TEXT, st.sampled_from(STYLES), st.integers(min_value=8, max_value=40))
def test_every_character_of_a_value_is_located_on_its_source(
    value: str, style: str | None, width: int
) -> None:
    """Whatever the style PyYAML writes a string in, each of its visible characters is
    located on that character in the file (or on the escape that stands for it), in order."""
    text = yaml.dump({"k": [value]}, default_style=style, width=width, allow_unicode=True)
    doc = load_document("p.yaml", text=text)
    value = doc.data["k"][0]  # PyYAML does not always read back what it wrote ('\x85')
    previous = (0, 0)
    for offset, ch in enumerate(value):
        where = doc.locate_in_text(("k", 0), offset)
        assert pos(where) >= previous
        previous = pos(where)
        if not ch.isspace():
            assert char_at(text, where) in (ch, "\\"), (text, offset)
    if value.strip():
        start = doc.locate(("k", 0))
        assert offset_mark(text, (start.line - 1, start.col - 1), value, 0) is not None


# --------------------------------------------------------------------------- duplicate keys


def test_duplicate_key_is_reported_at_the_second_key_with_the_first_line() -> None:
    """PF003 sits on the second occurrence and its message names the first one's line."""
    doc = load_document("p.yaml", text="a: 1\nb: 2\na: 3\n")
    assert [(f.code, pos(f.location)) for f in doc.findings] == [("PF003", (3, 1))]
    assert "line 1" in doc.findings[0].message
    assert doc.findings[0].severity is Severity.ERROR


def test_duplicate_keys_are_all_reported_at_once() -> None:
    """Every duplicate, at every level, is reported in one pass."""
    text = "a: 1\nb: 2\na: 3\nb: 4\nstages:\n  x:\n    k: 1\n    k: 2\n  x: {}\n"
    doc = load_document("p.yaml", text=text)
    assert [(f.code, pos(f.location)) for f in doc.findings] == [
        ("PF003", (3, 1)),
        ("PF003", (4, 1)),
        ("PF003", (8, 5)),
        ("PF003", (9, 3)),
    ]
    assert "line 2" in doc.findings[1].message
    assert "line 7" in doc.findings[2].message


def test_duplicate_keys_keep_the_first_value_and_the_document_stays_usable() -> None:
    """After a duplicate, the data still holds the first definition for further checks."""
    doc = load_document("p.yaml", text="a: 1\na: 2\n")
    assert doc.data == {"a": 1}


def test_keys_equal_as_yaml_values_are_duplicates() -> None:
    """``1`` and ``1.0``, ``true`` and ``True`` are the same key once YAML resolves them."""
    assert [f.code for f in load_document("p.yaml", text="1: a\n1.0: b\n").findings] == ["PF003"]
    assert [f.code for f in load_document("p.yaml", text="true: a\nTrue: b\n").findings] == [
        "PF003"
    ]


def test_merge_keys_are_not_duplicates_and_explicit_keys_win() -> None:
    """``<<`` merges are expanded, explicit keys override merged ones, nothing is reported."""
    text = "base: &b {x: 1, y: 2}\nthing:\n  <<: *b\n  x: 3\nother:\n  <<: *b\n"
    doc = load_document("p.yaml", text=text)
    assert doc.findings == []
    assert doc.data["thing"] == {"x": 3, "y": 2}
    assert doc.data["other"] == {"x": 1, "y": 2}


def test_merge_of_a_list_of_mappings_has_no_duplicates() -> None:
    """``<<: [*a, *b]`` merges both, the first mapping winning, without PF003."""
    text = "a: &a {x: 1}\nb: &b {x: 2, y: 3}\nthing:\n  <<: [*a, *b]\n"
    doc = load_document("p.yaml", text=text)
    assert doc.findings == []
    assert doc.data["thing"] == {"x": 1, "y": 3}


def test_merge_key_must_refer_to_a_mapping() -> None:
    """``<<: 1`` is refused with a LoadError at the merged value."""
    assert codes_at(load_error("a:\n  <<: 1\n")) == [("PF004", 2, 7)]


# --------------------------------------------------------------------------- hostile YAML


def billion_laughs(levels: int = 9, width: int = 10) -> str:
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_alias_bomb_fails_fast() -> None:
    """An alias bomb (10^9 nodes once expanded) fails with PF004 at the node limit.

    The work is counted, not timed: loading stops after MAX_NODES nodes, about 8 calls
    each, where expanding the bomb would make billions.
    """
    with count_work(at_most=20 * MAX_NODES):
        error = load_error(billion_laughs())
    assert [f.code for f in error.findings] == ["PF004"]


@pytest.mark.parametrize(
    "text",
    ["a: &a [*a]\n", "a: &a\n  b: *a\n", "a: &a\n  - x\n  - {y: *a}\n"],
    ids=["sequence", "mapping", "mixed"],
)
def test_recursive_alias_is_refused(text: str) -> None:
    """A node that contains itself through an alias fails with PF004 at the anchor."""
    assert [f.code for f in load_error(text).findings] == ["PF004"]


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    """Flow or block nesting beyond MAX_DEPTH levels fails with PF004."""
    deep_flow = "x: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    deep_block = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + "  " * 70 + "v\n"
    assert [f.code for f in load_error(deep_flow).findings] == ["PF004"]
    assert [f.code for f in load_error(deep_block).findings] == ["PF004"]


def test_nesting_at_the_limit_loads() -> None:
    """Nesting up to the limit is allowed."""
    depth = MAX_DEPTH - 1
    doc = load_document("p.yaml", text="x: " + "[" * depth + "]" * depth + "\n")
    assert doc.findings == []


def test_file_over_one_mebibyte_is_refused(tmp_path: Path) -> None:
    """A file one byte over 1 MiB fails with PF001 before it is parsed."""
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1\n" + b"#" * (MAX_FILE_BYTES - 5) + b"\n")
    with pytest.raises(LoadError) as info:
        load_document(path)
    assert codes_at(info.value) == [("PF001", 1, 1)]


def test_text_of_exactly_one_mebibyte_loads() -> None:
    """The size limit is inclusive: exactly MAX_FILE_BYTES bytes is fine."""
    body = "process: x\n"
    text = body + "#" + "x" * (MAX_FILE_BYTES - len(body) - 2) + "\n"
    assert len(text.encode("utf-8")) == MAX_FILE_BYTES
    assert load_document("p.yaml", text=text).data == {"process": "x"}
    assert codes_at(load_error(text + "\n")) == [("PF001", 1, 1)]


def test_non_utf8_bytes_report_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    """A Latin-1 byte fails with PF001 on the line (and column) of the byte."""
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"process: demo\ndescription: caf\xe9 au lait\n")
    with pytest.raises(LoadError) as info:
        load_document(path)
    assert codes_at(info.value) == [("PF001", 2, 17)]


def test_non_utf8_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    """With multi-byte characters earlier on the line, the column is still in characters."""
    path = tmp_path / "mixed.yaml"
    path.write_bytes("名前: ".encode() + b"\xff\n")
    with pytest.raises(LoadError) as info:
        load_document(path)
    assert codes_at(info.value) == [("PF001", 1, 5)]


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "   \n", "# just a comment\n", "# one\n  # two\n\n# three\n"],
    ids=["empty", "blank-lines", "spaces", "one-comment", "comments"],
)
def test_empty_and_comment_only_text_is_pf005(text: str) -> None:
    """Nothing but whitespace and comments is PF005 at the start of the file."""
    assert codes_at(load_error(text)) == [("PF005", 1, 1)]


def test_empty_file_on_disk_is_pf005(tmp_path: Path) -> None:
    """An empty file read from disk is PF005, not a YAML error."""
    path = tmp_path / "empty.yaml"
    path.write_text("")
    with pytest.raises(LoadError) as info:
        load_document(path)
    assert [f.code for f in info.value.findings] == ["PF005"]


@pytest.mark.parametrize("text", ["---\n", "---\n# only a header comment\n", "--- \n...\n"])
def test_document_marker_and_comments_only_is_pf005(text: str) -> None:
    """A file holding only ``---`` (and comments) is as empty as a comments-only file."""
    assert [f.code for f in load_error(text).findings] == ["PF005"]


def test_directory_is_pf001(tmp_path: Path) -> None:
    """A directory given as a file fails with PF001 and a hint."""
    with pytest.raises(LoadError) as info:
        load_document(tmp_path)
    (finding,) = info.value.findings
    assert (finding.code, pos(finding.location)) == ("PF001", (1, 1))
    assert finding.hint


def test_missing_file_is_pf001(tmp_path: Path) -> None:
    """A path that does not exist fails with PF001 naming the file."""
    path = tmp_path / "nope.yaml"
    with pytest.raises(LoadError) as info:
        load_document(path)
    (finding,) = info.value.findings
    assert finding.code == "PF001"
    assert finding.location == Location(str(path), 1, 1)


def test_multiple_documents_are_pf002_at_the_second() -> None:
    """Two YAML documents in one file fail with PF002 where the second begins."""
    assert codes_at(load_error("a: 1\n---\nb: 2\n")) == [("PF002", 3, 1)]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: 1\nb: [1, 2\nc: 3\n", 3),
        ("stages:\n  label\n    resource: annotator\n", 3),
        ("a:\n\tb: 1\n", 2),
        ('a: 1\nb: "unclosed\n', 3),
        ("a: *nothing\n", 1),
        ("a: !foo bar\n", 1),
        ("a: 1\nb: !!python/object:os.system x\n", 2),
    ],
    ids=["unclosed-bracket", "missing-colon", "tab", "unclosed-quote", "alias", "tag", "python"],
)
def test_yaml_syntax_error_is_pf002_on_the_right_line(text: str, line: int) -> None:
    """Syntax errors, unknown aliases and unsafe tags are PF002 on the line the parser stopped."""
    error = load_error(text)
    assert [(f.code, f.location.line) for f in error.findings] == [("PF002", line)]


def test_control_characters_are_pf002() -> None:
    """Characters YAML forbids (NUL, BEL) are a PF002, not a crash."""
    assert [f.code for f in load_error("a: \x07\n").findings] == ["PF002"]
    assert [f.code for f in load_error("\x00").findings] == ["PF002"]


def test_a_mapping_as_a_key_is_pf002() -> None:
    """A complex key (``? [1]``) is refused at the key."""
    assert codes_at(load_error("? [1]\n: a\n")) == [("PF002", 1, 3)]


def test_load_error_findings_are_sorted_and_summarised() -> None:
    """LoadError.str() names the first finding's location and code."""
    error = load_error("a: 1\n---\nb: 2\n")
    assert str(error).startswith("p.yaml:3:1: PF002")


BAD_SCALARS = [
    "start: 2024-02-30\n",
    "start: 2024-13-01\n",
    "2024-13-01: x\n",
    "a: 2001-12-14 99:00:00\n",
    "a: !!int abc\n",
    "a: !!int ''\n",
    "a: !!float abc\n",
    "a: !!bool maybe\n",
    "a: !!timestamp x\n",
]


@pytest.mark.parametrize("text", BAD_SCALARS)
def test_unconstructible_scalar_is_a_load_error(text: str) -> None:
    """A scalar PyYAML cannot construct (impossible date, bad !!int) is PF002 on its line."""
    assert [(f.code, f.location.line) for f in load_error(text).findings] == [
        ("PF002", text.count("\n"))
    ]


def test_lone_surrogate_in_text_is_a_load_error() -> None:
    """Text with a lone surrogate (possible from JSON or an editor) fails with a LoadError."""
    load_error("a: \ud800\n")


# --------------------------------------------------------------------------- non-English names

CHINESE = """\
process: 内容审核
arrivals:
  - name: 用户举报
    rate: 60 per hour
    attributes:
      严重程度: {低: 0.9, 高: 0.1}
resources:
  审核员: {count: 5}
stages:
  初审:
    resource: 审核员
    duration: 3 min
    next:
      - to: 复审
        when: 严重程度 == "高"
      - to: 完成
  复审:
    resource: 审核员
    duration: 5 min
    next: 完成
  完成:
    end: true
"""

INDONESIAN = """\
process: moderasi-konten
arrivals:
  - name: laporan_pengguna
    rate: 60 per hour
    attributes:
      tingkat: {rendah: 0.8, tinggi: 0.2}
resources:
  peninjau: {count: 5}
stages:
  tinjauan_awal:
    resource: peninjau
    duration: 3 min
    next:
      - to: tinjauan_lanjut
        when: tingkat == "tinggi"
      - to: selesai
  tinjauan_lanjut: {resource: peninjau, duration: 5 min, next: selesai}
  selesai:
    end: true
"""


def test_chinese_names_load_and_locate() -> None:
    """Stage, pool and attribute names in Chinese load; columns count characters."""
    doc = load_document("流程/内容审核.yaml", text=CHINESE)
    assert doc.findings == []
    assert list(doc.data["stages"]) == ["初审", "复审", "完成"]
    assert pos(doc.key_locations[("stages", "复审")]) == (17, 3)
    assert pos(doc.value_locations[("stages", "初审", "resource")]) == (11, 15)
    assert pos(doc.value_locations[("stages", "初审", "next", 0, "when")]) == (15, 15)
    assert pos(doc.key_locations[("arrivals", 0, "attributes", "严重程度", "高")]) == (6, 22)
    process = validate_process(doc)
    assert process.name == "内容审核"
    assert process.locate(("stages", "复审"), key=True).file == "流程/内容审核.yaml"


def test_indonesian_names_load_and_locate() -> None:
    """Indonesian names load and validate; keys and values are located."""
    doc = load_document("proses/moderasi.yaml", text=INDONESIAN)
    assert doc.findings == []
    assert pos(doc.key_locations[("stages", "tinjauan_lanjut")]) == (17, 3)
    assert pos(doc.value_locations[("stages", "tinjauan_lanjut", "next")]) == (17, 64)
    assert pos(doc.value_locations[("stages", "tinjauan_awal", "next", 0, "when")]) == (15, 15)
    process = validate_process(doc)
    assert list(process.stages) == ["tinjauan_awal", "tinjauan_lanjut", "selesai"]


def test_errors_next_to_indonesian_names_are_located() -> None:
    """A key written in Indonesian (sumber_daya for resource) is PF010 at that key."""
    text = INDONESIAN.replace("    resource: peninjau", "    sumber_daya: peninjau")
    with pytest.raises(LoadError) as info:
        validate_process(load_document("proses/moderasi.yaml", text=text))
    assert ("PF010", 11, 5) in codes_at(info.value)


# --------------------------------------------------------------------------- suppressions


def test_suppression_with_codes_is_parsed_per_line() -> None:
    """``# procflow: ignore[PF106]`` records the code on its own line only."""
    text = "a: 1\nb: 2  # procflow: ignore[PF106]\nc: 3 #procflow:ignore[ PF201 , unknown-stage ]\n"
    doc = load_document("p.yaml", text=text)
    assert doc.suppressions == {
        2: frozenset({"PF106"}),
        3: frozenset({"PF201", "unknown-stage"}),
    }


def test_bare_suppression_ignores_every_code_on_its_line() -> None:
    """A bare ``# procflow: ignore`` records an empty set, meaning all codes."""
    doc = load_document("p.yaml", text="a: 1  # procflow: ignore\nb: 2\n")
    assert doc.suppressions == {1: frozenset()}
    assert doc.is_suppressed(finding_at("PF106", 1))
    assert doc.is_suppressed(finding_at("PF999", 1))
    assert not doc.is_suppressed(finding_at("PF106", 2))


def test_is_suppressed_matches_code_or_rule_name_on_that_line_and_file() -> None:
    """Only the listed codes (or rule names), on that line, in that file, are suppressed."""
    doc = load_document("p.yaml", text="a: 1\nb: 2  # procflow: ignore[PF106, unknown-stage]\n")
    assert doc.is_suppressed(finding_at("PF106", 2))
    assert not doc.is_suppressed(finding_at("PF201", 2))
    assert not doc.is_suppressed(finding_at("PF106", 1))
    assert not doc.is_suppressed(finding_at("PF106", 2, path="other.yaml"))
    named = Finding("PF101", "unknown-stage", Severity.ERROR, "m", Location("p.yaml", 2, 1))
    assert doc.is_suppressed(named)


@pytest.mark.parametrize(
    "comment",
    [
        "# procflow: ignore[PF106",
        "# procflow: ignore[PF106, PF201",
        "# procflow: ignore[]",
        "# procflow: ignore[ , ]",
        "# procflow: ignore[PF 106]",
        "# procflow: ignore[PF106; PF201]",
        "# procflow: ignore[*]",
        "# procflow: ignored",
        "# procflow: ignore-all",
        "# procflow: ignore: PF106",
    ],
)
def test_malformed_suppression_silences_nothing(comment: str) -> None:
    """A typo in a suppression comment silences nothing, rather than every code on the line."""
    doc = load_document("p.yaml", text=f"a: 1\nb: 2  {comment}\n")
    assert doc.suppressions == {}
    assert not doc.is_suppressed(finding_at("PF106", 2))
    assert not doc.is_suppressed(finding_at("PF999", 2))


@pytest.mark.parametrize(
    ("comment", "codes"),
    [
        ("# procflow: ignore", set()),
        ("# procflow: ignore because the pool is seasonal", set()),
        ("# procflow: ignore[PF106] kept for the holiday scenario", {"PF106"}),
        ("# procflow: ignore [PF106]", {"PF106"}),
        ("# procflow: ignore[PF106,]", {"PF106"}),
        ("# procflow: ignore[PF106,unused-resource]", {"PF106", "unused-resource"}),
    ],
)
def test_well_formed_suppressions(comment: str, codes: set[str]) -> None:
    """Bare ignore means every code; a bracket means exactly the codes it lists."""
    doc = load_document("p.yaml", text=f"a: 1  {comment}\n")
    assert doc.suppressions == {1: frozenset(codes)}
    assert doc.is_suppressed(finding_at("PF106", 1))
    assert doc.is_suppressed(finding_at("PF999", 1)) == (not codes)


def test_every_listed_code_is_located_at_its_first_character() -> None:
    """Lint checks that each listed code exists, and reports a typo at the code itself."""
    text = "a: 1  # procflow: ignore[PF106]\nb: 2  #procflow:ignore [ PF201 ,unknown-stage ]\n"
    doc = load_document("p.yaml", text=text)
    assert [(code, pos(where)) for code, where in doc.suppression_codes] == [
        ("PF106", (1, 26)),
        ("PF201", (2, 26)),
        ("unknown-stage", (2, 33)),
    ]
    lines = text.splitlines()
    for code, where in doc.suppression_codes:
        assert lines[where.line - 1][where.col - 1 :].startswith(code)
    assert all(where.file == "p.yaml" for _, where in doc.suppression_codes)


def test_bare_and_malformed_suppressions_list_no_codes() -> None:
    text = "a: 1  # procflow: ignore\nb: 2  # procflow: ignore[PF106\n"
    assert load_document("p.yaml", text=text).suppression_codes == []


def test_ordinary_comments_are_not_suppressions() -> None:
    """Comments that merely mention procflow do not suppress anything."""
    doc = load_document("p.yaml", text="a: 1  # procflow is great\nb: 2  # ignore[PF106]\n")
    assert doc.suppressions == {}


# --------------------------------------------------------------------------- any text

YAML_TOKENS = [
    "a",
    "b",
    "名",
    ":",
    ": ",
    "- ",
    "\n",
    "\n  ",
    "\n    ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&x ",
    "*x",
    "<<: ",
    "---",
    "...",
    "#",
    "'",
    '"',
    "|",
    ">",
    "? ",
    "1",
    "1.5",
    "~",
    "true",
    "\t",
    "%YAML 1.1",
]

yaml_soup = st.lists(st.sampled_from(YAML_TOKENS), max_size=40).map("".join)


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=200), yaml_soup))
def test_any_text_loads_or_raises_load_error(text: str) -> None:
    """On any text, load_document returns a Document or raises LoadError, never another error."""
    try:
        doc = load_document("p.yaml", text=text)
    except LoadError as error:
        assert error.findings
        for finding in error.findings:
            assert finding.code.startswith("PF00")
            assert finding.location.line >= 1
            assert finding.location.col >= 1
    else:
        assert isinstance(doc, Document)
        assert all(f.code == "PF003" for f in doc.findings)


@pytest.mark.parametrize(
    ("text", "where", "extra"),
    [
        ("resources:\n  annotator: {count: 6}}\nstages: {}\n", (2, 24), "}"),
        ("arrivals:\n  - {name: a, rate: 5}}\n", (2, 23), "}"),
        ("stages: [a, b]]\n", (1, 15), "]"),
    ],
    ids=["brace-in-mapping", "brace-in-list", "bracket"],
)
def test_a_bracket_closed_once_too_often_is_pf002_at_it_with_a_hint(
    text: str, where: tuple[int, int], extra: str
) -> None:
    """``{count: 6}}``: PF002 at the extra '}' (or ']'), and a hint that names it."""
    (finding,) = load_error(text).findings
    assert (finding.code, finding.location.line, finding.location.col) == ("PF002", *where)
    assert finding.hint and f"'{extra}'" in finding.hint
