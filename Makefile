# 순환 신경망(RNN) 실습 강좌 -- 두 명령이면 됩니다: `make course` 와 `make test`.
# Windows에서 make가 없다면 README의 "make 없이" 절에 같은 명령이 있습니다.

PYTHON  ?= python3
VENV    ?= .venv
PY      := $(VENV)/bin/python
# One source of truth for the run profile: the environment variable COURSE_PROFILE
# (`COURSE_PROFILE=full make course`); `make course PROFILE=full` is the same. Default: class.
ifdef PROFILE
COURSE_PROFILE := $(PROFILE)
endif
COURSE_PROFILE ?= class
export COURSE_PROFILE
SITE    ?= build/site

.PHONY: setup data course lab test bench student clean help

help:
	@echo "make course  - 설치 + 데이터 준비 + 모든 노트북을 '$(COURSE_PROFILE)' 프로파일로 실행 + $(SITE)/index.html 생성"
	@echo "make test    - 설치 + 단위 테스트 + 모든 노트북을 'ci' 프로파일로 nbval 실행"
	@echo "make lab     - Jupyter Lab으로 notebooks/ 열기"
	@echo "make bench   - 노트북별 실행 시간/메모리/핵심 지표를 bench/results.md 에 기록 (COURSE_PROFILE=class|ci|full)"
	@echo "make data    - 데이터셋을 캐시에 미리 받기 (수업 전에 한 번)"
	@echo "make student - 풀이를 뺀 학생용 노트북을 build/student/ 에 만들기"

# Tested versions (README, "버전 고정"); on another Python than 3.11: make setup CONSTRAINTS=
CONSTRAINTS ?= constraints.txt

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(if $(CONSTRAINTS),-c $(CONSTRAINTS)) -e ".[test]"
	@touch $@

setup: $(VENV)/.installed

data: setup
	$(PY) -m course_utils.data fetch --all

course: data
	$(PY) -m course_utils.tooling.site --profile $(COURSE_PROFILE) --out $(SITE)
	@echo "강좌 사이트: $(SITE)/index.html"

lab: setup
	$(VENV)/bin/jupyter lab notebooks/

test: setup
	COURSE_PROFILE=ci MPLBACKEND=Agg $(PY) -m pytest --nbval-lax --nbval-current-env --nbval-cell-timeout=900 tests notebooks

student: setup
	$(PY) -m course_utils.tooling.student --out build/student

bench: setup
	$(PY) -m course_utils.tooling.bench --profile $(COURSE_PROFILE) --out bench

clean:
	rm -rf build
