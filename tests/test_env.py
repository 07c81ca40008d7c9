"""The environment report of the first notebook."""

from __future__ import annotations

from course_utils import env


def test_report_covers_software_java_korean_tools_font_and_every_dataset(with_mirror) -> None:
    checks = {c.item: c for c in env.report()}
    for item in ("Python", "Keras / TensorFlow", "Java (KoNLPy용)", "KoNLPy", "Kiwi (kiwipiepy)", "한글 글꼴", "NLTK 자료"):
        assert item in checks, item
    for name in ("imdb", "ynat", "nsmc_test", "kor_eng", "ridership"):
        assert checks[f"데이터: {name}"].status == env.OK
        assert checks[f"데이터: {name}"].value == "미러에 있음"
    assert checks["Keras / TensorFlow"].status == env.OK
    assert "형태소/NNG" in checks["Kiwi (kiwipiepy)"].value


def test_missing_java_is_reported_with_install_instructions(monkeypatch) -> None:
    monkeypatch.setattr(env.shutil, "which", lambda name: None)
    check = env.check_java()
    assert check.status == env.FAIL
    assert "apt-get install" in check.fix and "brew" in check.fix and "Kiwi" in check.fix
    assert env.check_konlpy().status == env.WARN


def test_missing_dataset_says_how_to_fetch_it(offline_env) -> None:
    checks = {c.item: c for c in env.check_datasets()}
    assert checks["데이터: ynat"].status == env.WARN
    assert "python -m course_utils.data fetch ynat" in checks["데이터: ynat"].fix


def test_a_crashing_check_is_shown_not_raised() -> None:
    def check_boom():
        raise RuntimeError("고장")

    result = env._safely(check_boom)
    assert result.status == env.FAIL and "고장" in result.value


def test_frame_has_korean_columns(with_mirror) -> None:
    frame = env.report_frame()
    assert list(frame.columns) == ["항목", "상태", "값", "해결 방법"]
    assert len(frame) >= 12
