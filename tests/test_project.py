"""Project-wide rules: one dependency set, stripped notebooks in the course skeleton,
a coverage map that points at real sections, and CI that runs the README's command."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: pytest itself depends on tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SKELETON = ("학습 목표", "강의 노트와의 대응", "정리", "연습문제", "연습문제 풀이", "참고 자료")


def pyproject_requirements() -> dict[str, str]:
    """Every third-party requirement of pyproject.toml (an extra naming the project itself is skipped)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    parsed = [Requirement(r) for r in reqs]
    return {r.name.lower(): str(r.specifier) for r in parsed if r.name.lower() != project["name"]}


def environment_pip_requirements() -> dict[str, str]:
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    pip_block = text.split("- pip:", 1)[1]
    items = [m.strip().strip('"') for m in re.findall(r"^\s+- (.+?)\s*(?:#.*)?$", pip_block, re.M)]
    reqs = [Requirement(i) for i in items if not i.startswith(("-e", "-c"))]
    return {r.name.lower(): str(r.specifier) for r in reqs}


def test_environment_yml_names_the_same_packages_as_pyproject() -> None:
    assert environment_pip_requirements() == pyproject_requirements()


def test_environment_yml_brings_python_a_jdk_and_the_package() -> None:
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+- python=3\.11", text, re.M)
    assert re.search(r"^\s+- openjdk", text, re.M)
    assert '- "-e ."' in text


def test_keras_3_is_a_lower_bound() -> None:
    spec = pyproject_requirements()["keras"]
    assert ">=3" in spec


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def markdown_headings(path: Path) -> list[str]:
    headings = []
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "markdown":
            headings += [m.strip() for m in re.findall(r"^#+\s+(.+)$", "".join(cell["source"]), re.M)]
    return headings


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "notebooks/ is empty"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_with_outputs_stripped(path: Path) -> None:
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_course_skeleton(path: Path) -> None:
    assert re.fullmatch(r"\d{2}_[a-z0-9_]+\.ipynb", path.name), "file names are ASCII NN_topic.ipynb"
    cells = load(path)["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    headings = markdown_headings(path)
    for section in SKELETON:
        assert section in headings, f"{path.name} lacks the section '{section}'"
    first_code = next(c for c in cells if c["cell_type"] == "code")
    assert "config.setup(" in "".join(first_code["source"]), "the setup cell calls config.setup()"
    sources = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "config.report_metric(" in sources, "the headline result is exposed for make bench"
    assert re.search(r"check\.exercise_\d{2}_\d+\(", sources), "exercises end with a self-check"


LECTURES = ROOT.parent / "shared" / "lectures"
COVERAGE_ROW = re.compile(r"^\| (\d{3}) \| (\d+)(?:–(\d+))? \| (.+?) \| (.+?) \| (.+?) \|$")
NOTEBOOK_LINK = re.compile(r"\[[^\]]+\]\(\.\./notebooks/([^)]+\.ipynb)\)")


def coverage_rows() -> list[dict]:
    """Rows of docs/coverage.md: note, first and last line, item, notebook link, section (or reason)."""
    rows = []
    for line in (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8").splitlines():
        if re.match(r"^\| \d{3} \|", line):
            match = COVERAGE_ROW.match(line)
            assert match, f"coverage row not in the form | note | first–last | item | notebook | section |: {line}"
            note, first, last, item, link, section = match.groups()
            rows.append({"note": note, "first": int(first), "last": int(last or first),
                         "item": item, "link": link, "section": section})
    return rows


def lecture_lines(note: str) -> list[str]:
    (path,) = LECTURES.glob(f"{note}_*.txt")
    return path.read_text(encoding="utf-8").splitlines()


def test_coverage_rows_point_to_existing_notebooks_and_headings() -> None:
    rows = coverage_rows()
    assert len(rows) > 100, "one row per teachable item of a lecture note"
    assert sum(r["link"] != "—" for r in rows) > 0.8 * len(rows), "most items are taught"
    for row in rows:
        if row["link"] == "—":
            assert row["section"] not in ("", "—"), f"an untaught item gives its reason: {row['item']!r}"
            continue
        target = NOTEBOOK_LINK.fullmatch(row["link"])
        assert target, f"bad link for {row['item']!r}: {row['link']}"
        notebook = ROOT / "notebooks" / target.group(1)
        assert notebook.is_file(), f"{row['item']!r} points to a missing notebook {notebook.name}"
        assert row["section"] in markdown_headings(notebook), f"{notebook.name} has no heading {row['section']!r}"


@pytest.mark.skipif(not LECTURES.is_dir(), reason="shared/lectures is not beside the project")
def test_coverage_line_ranges_lie_in_the_note_sorted_and_disjoint() -> None:
    by_note: dict[str, list[dict]] = {}
    for row in coverage_rows():
        by_note.setdefault(row["note"], []).append(row)
    assert sorted(by_note) == sorted(p.name[:3] for p in LECTURES.glob("[0-9][0-9][0-9]_*.txt"))
    for note, rows in by_note.items():
        lines = lecture_lines(note)
        previous_last = 0
        for row in rows:
            first, last = row["first"], row["last"]
            assert 1 <= first <= last <= len(lines), f"{note} {first}–{last} lies outside the note ({len(lines)} lines)"
            assert first > previous_last, f"{note} {first}–{last} overlaps or precedes the row before it"
            assert lines[first - 1].strip() and lines[last - 1].strip(), f"{note} {first}–{last} starts or ends on a blank line"
            previous_last = last
        covered = sum(r["last"] - r["first"] + 1 for r in rows)
        content = sum(bool(line.strip()) for line in lines)
        assert covered >= 0.6 * content, f"{note}: the rows cover only {covered} of {content} non-blank lines"


# Each topic of shared/lectures/README.md (split at "; " as written there) and a phrase that the
# item of at least one row of that note contains.
README_TOPICS = {
    ("000", "kinds of data (record, transaction, data matrix, document–term, sequential, time series, spatial)"): "레코드 데이터",
    ("000", "time-series prediction"): "시계열 예측",
    ("000", "the RNN cell unrolled in time (tanh, MatMul)"): "MatMul",
    ("000", "BPTT and *truncated* BPTT (sequence cut into blocks, forward state kept, backward links cut)"): "잘린 BPTT",
    ("000", "vanishing / exploding gradients and remedies: Xavier/He/LeCun initialisation, non-saturating activations "
            "(LeakyReLU, RReLU, PReLU, ELU, SELU), batch normalisation, gradient clipping (`SGD(clipvalue=1.0)`, "
            "clip-by-norm)"): "배치 정규화",
    ("000", "LSTM and GRU equations"): "GRU 식",
    ("000", "recurrent vs recursive networks"): "재귀 신경망",
    ("001", "recurrent neurons and layers, `Y(t) = φ(X(t)·Wx + Y(t−1)·Wy + b)`, memory cells, sequence-to-sequence / "
            "sequence-to-vector / vector-to-sequence / encoder–decoder, BPTT, univariate and multivariate time series, "
            "forecasting and imputation, batches of series of 50 steps, deep RNNs"): "메모리 셀",
    ("002", "why RNNs"): "왜 RNN",
    ("002", "vanilla RNN equations"): "순환 신경망의 식",
    ("002", "stacked RNNs (`return_sequences=True`)"): "return_sequences=True",
    ("002", "bidirectional RNNs"): "양방향 RNN",
    ("002", "practice: KLUE-TC (YNAT) news headlines, keep 3 of 7 topics (정치, 경제, 스포츠), convert Hanja to Hangul "
            "with `hanja`"): "세 주제",
    ("002", "LSTM gates (forget, input, cell candidate, output), GRU (reset, update), peephole connections"): "핍홀",
    ("002", "IMDB practice with `return_state` / `return_sequences`"): "return_state",
    ("003", "sequential data"): "순차 데이터",
    ("003", "why long-term dependencies fail (the `w^n` argument)"): "w^n",
    ("003", "LSTM"): "LSTM",
    ("003", "architectures"): "구조",
    ("003", "next-character prediction (a keyboard's suggestion"): "다음 글자",
    ("003", "an RNN trained on \"국민대학\""): "국민대학",
    ("003", "training and prediction differ)"): "학습과 예측",
    ("003", "teacher forcing"): "교사 강요",
    ("003", "seq2seq. **Reference results** on IMDB, `num_words=10000`, `maxlen=20`, embedding size 8, rmsprop, batch 128, "
            "`validation_split=0.2`, early stopping: Embedding+Flatten+Dense 80,161 params, test acc 0.7625"): "80,161",
    ("003", "LSTM(1) 80,040 params, test acc 0.6964"): "80,040",
    ("003", "LSTM(32)+Dense 85,281 params, val acc 0.748"): "85,281",
    ("003", "LSTM(4, return_sequences)+Flatten+Dense 80,289 params, val acc 0.7402"): "80,289",
    ("003", "confusion matrices"): "혼동 행렬",
    ("004", "properties of natural language"): "자연어의 특징",
    ("004", "cleaning"): "정제",
    ("004", "tokenisation with NLTK (`word_tokenize`, `WordPunctTokenizer`) and Keras (`text_to_word_sequence`) on "
            "\"Don't be fooled by the dark sounding name, Mr. Jone's Orphanage is as cheery as cheery goes for a pastry "
            "shop.\""): "WordPunctTokenizer",
    ("004", "KoNLPy (Hannanum, Kkma) on \"드디어 교안 다 썼다!\""): "드디어 교안 다 썼다!",
    ("004", "subword tokenisation / SentencePiece / OOV"): "SentencePiece",
    ("004", "one-hot vs embeddings"): "원-핫",
    ("004", "Word2Vec CBOW and skip-gram (window)"): "skip-gram",
    ("004", "many-to-one etc."): "다대일",
    ("004", "vanilla RNN, BPTT, truncated BPTT"): "잘린 BPTT",
    ("004", "LSTM, GRU"): "GRU",
    ("004", "encoder–decoder with `<sos>`/`<eos>` and teacher forcing"): "<sos>",
    ("004", "dot-product attention step by step (scores `s_tᵀh_i`, softmax, weighted sum, concatenation, `tanh(W_c[a_t"): "어텐션 점수",
    ("004", "s_t] + b_c)`, softmax output)"): "출력 소프트맥스",
    ("004", "plan: seq2seq translation practice"): "번역 실습",
}


def test_coverage_mentions_every_topic_of_the_lecture_readme() -> None:
    readme = LECTURES / "README.md"
    if not readme.is_file():
        pytest.skip("shared/lectures is not beside the project")
    topics = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `(\d{3})_[0-9a-f]+\.txt` \| .+? \| (.+) \|$", line)
        if match:
            topics += [(match.group(1), t.strip()) for t in match.group(2).split("; ")]
    assert set(topics) == set(README_TOPICS), "the README's topics changed: update README_TOPICS"
    rows = coverage_rows()
    for (note, topic), phrase in README_TOPICS.items():
        assert any(phrase in row["item"] for row in rows if row["note"] == note), f"{note}: no row mentions {topic!r}"


# One term per concept in notebook prose (course-style.md): variant → the course's term.
VARIANT_TERMS = {"과적합": "과대적합", "인내심": "참을성", "기준선": "기준 모델", "낱말": "단어"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_markdown_uses_the_course_terms(path: Path) -> None:
    found = []
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            found += [f"{variant} → {term}" for variant, term in VARIANT_TERMS.items() if variant in source]
    assert not found, f"{path.name}: {sorted(set(found))}"


def test_ci_runs_the_test_command_written_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make course" in readme and "make test" in readme
    assert re.search(r"^make test", (ROOT / ".ci" / "run").read_text(encoding="utf-8"), re.M)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "COURSE_PROFILE=ci" in test_recipe and "--nbval-lax" in test_recipe and "notebooks" in test_recipe


def course_utils_modules() -> list[str]:
    """Dotted names of every module and subpackage under course_utils (from the files, not imports)."""
    package = ROOT / "course_utils"
    names = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return [n for n in names if n != "course_utils"]


def test_package_docstring_lists_every_module() -> None:
    import course_utils

    doc = course_utils.__doc__
    for group in ("Teaching helpers", "Notebook plumbing", "Tooling"):
        assert group in doc
    missing = [name for name in course_utils_modules()
               if f":mod:`{name}`" not in doc
               and not (f":mod:`{name.rpartition('.')[0]}`" in doc and f"``{name.rpartition('.')[2]}``" in doc)]
    assert not missing, f"add these modules to course_utils/__init__.py: {missing}"


def test_readme_layout_section_names_every_top_level_module() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## 저장소 구성", 1)[1].split("\n## ", 1)[0]
    wanted = {name.split(".")[1] for name in course_utils_modules()}
    wanted |= {name.removeprefix("course_utils.") for name in course_utils_modules()
               if name.startswith("course_utils.tooling.")}
    missing = sorted(name for name in wanted if f"`{name}`" not in layout and f"`{name}(" not in layout)
    assert not missing, f"add these modules to README's 저장소 구성: {missing}"
