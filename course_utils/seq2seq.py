"""Sequence-to-sequence translation with and without dot-product attention (notebook 08).

The pieces of an encoder–decoder translator, each small enough to test on its own::

    from course_utils import seq2seq as s2s

    parts = s2s.split_frame(pairs, valid_size=0.1, test_size=0.1, seed=0, group="eng")
    x_dec, y_dec = s2s.teacher_forcing_arrays(target_ids, eos_id=eos_id)   # shifted by one step
    net = s2s.build_seq2seq(src_vocab, tgt_vocab, embed_dim=128, units=256, attention=True)
    net.model.fit([source_ids, x_dec], y_dec, ...)                          # teacher forcing
    step, states = net.start(test_source_ids)                              # inference shares the layers
    decoded = s2s.greedy_decode(step, states, sos_id=sos_id, eos_id=eos_id, max_len=20)
    best = s2s.beam_search(*net.start(test_source_ids[:1]), sos_id=sos_id, eos_id=eos_id,
                           max_len=20, beam_width=4)[0]
    s2s.translation_scores(hypotheses, references)                         # sacrebleu BLEU and chrF
    s2s.sentence_chrf(hypotheses, references)                              # one chrF per sentence

:func:`luong_attention_step` is the NumPy reference of one attention step (scores
``s_tᵀh_i``, softmax, context, ``[a_t; s_t]``, ``tanh(W_c[a_t; s_t] + b_c)``, output softmax);
the Keras model computes the same thing with ``keras.layers.Attention``, ``Concatenate`` and
two ``Dense`` layers.

Importing this module imports Keras; call ``config.setup()`` first in a notebook.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import keras
import numpy as np
import pandas as pd

SOS, EOS = "<sos>", "<eos>"
"""The start- and end-of-sentence markers put around every target sentence."""

MASKED_SCORE_OFFSET = 1.0e9
"""What ``keras.layers.Attention`` subtracts from the scores of padded positions before the softmax."""

# ---------------------------------------------------------------------------------------------
# Text: English tokens, markers, teacher-forcing arrays
# ---------------------------------------------------------------------------------------------

_ENGLISH_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*|[^\sa-z0-9]")
_SPACE_BEFORE_PUNCT = re.compile(r" ([.,!?;:%)\]])")
_SPACE_AFTER_OPENING = re.compile(r"([(\[$]) ")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def tokenize_english(sentence: str) -> list[str]:
    """Lower-case words (apostrophes inside kept: ``don't``, ``tom's``) and punctuation marks as tokens.

    >>> tokenize_english("Don't worry, Tom!")
    ["don't", 'worry', ',', 'tom', '!']
    """
    text = unicodedata.normalize("NFKC", sentence).translate(_QUOTES).lower()
    return _ENGLISH_TOKEN.findall(text)


def detokenize_english(tokens: Sequence[str]) -> str:
    """Join tokens with spaces, then remove the space before closing punctuation (``tom .`` → ``tom.``)."""
    joined = " ".join(tokens)
    return _SPACE_AFTER_OPENING.sub(r"\1", _SPACE_BEFORE_PUNCT.sub(r"\1", joined))


def with_markers(tokens: Sequence[str]) -> list[str]:
    """``[<sos>, *tokens, <eos>]``: the target sentence as the decoder sees it."""
    return [SOS, *tokens, EOS]


def teacher_forcing_arrays(ids: np.ndarray, *, eos_id: int, pad_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Decoder inputs and targets for teacher forcing from padded ``<sos> … <eos>`` id rows.

    The input at step ``t`` is the *true* token ``t`` and the target is token ``t + 1``:
    inputs are ``ids[:, :-1]`` with ``<eos>`` replaced by padding (nothing is predicted after
    the end), targets are ``ids[:, 1:]``. Both have one column fewer than ``ids``.
    """
    ids = np.asarray(ids)
    if ids.ndim != 2 or ids.shape[1] < 2:
        raise ValueError(f"ids 는 (문장 수, 길이 ≥ 2) 모양이어야 해요. 받은 모양: {ids.shape}")
    decoder_input = np.where(ids[:, :-1] == eos_id, pad_id, ids[:, :-1])
    return decoder_input, ids[:, 1:].copy()


# ---------------------------------------------------------------------------------------------
# A fixed split
# ---------------------------------------------------------------------------------------------


class Split(NamedTuple):
    """Training, validation and test rows of one frame."""

    train: pd.DataFrame
    valid: pd.DataFrame
    test: pd.DataFrame


def split_frame(
    frame: pd.DataFrame, *, valid_size: float, test_size: float, seed: int = 0, group: str | None = None
) -> Split:
    """A reproducible random split into training, validation and test rows.

    With ``group`` (a column), rows that share its value land in the same part, so that e.g.
    two Korean translations of one English sentence are never split between training and test;
    the sizes are then fractions of the groups. Each part keeps the frame's row order.
    """
    if not (0 < valid_size < 1 and 0 < test_size < 1 and valid_size + test_size < 1):
        raise ValueError(f"valid_size, test_size 는 0과 1 사이, 합은 1 미만이어야 해요: {valid_size}, {test_size}")
    keys = frame[group].to_numpy() if group is not None else np.arange(len(frame))
    unique = pd.unique(keys)
    order = np.random.default_rng(seed).permutation(len(unique))
    n_test, n_valid = round(test_size * len(unique)), round(valid_size * len(unique))
    test_keys, valid_keys = set(unique[order[:n_test]]), set(unique[order[n_test:n_test + n_valid]])
    in_test = np.fromiter((k in test_keys for k in keys), bool, len(keys))
    in_valid = np.fromiter((k in valid_keys for k in keys), bool, len(keys))
    return Split(frame[~in_test & ~in_valid], frame[in_valid], frame[in_test])


# ---------------------------------------------------------------------------------------------
# NumPy reference: one step of dot-product (Luong) attention
# ---------------------------------------------------------------------------------------------


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax along ``axis``."""
    shifted = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return shifted / np.sum(shifted, axis=axis, keepdims=True)


@dataclass(frozen=True)
class AttentionStep:
    """Every intermediate result of :func:`luong_attention_step`, in the order they are computed."""

    scores: np.ndarray  # e_t = [s_tᵀh_1, …, s_tᵀh_n]           (…, T, n)
    weights: np.ndarray  # α_t = softmax(e_t)                     (…, T, n)
    context: np.ndarray  # a_t = Σ_i α_t,i h_i                     (…, T, units)
    concat: np.ndarray  # v_t = [a_t; s_t]                        (…, T, 2·units)
    attentional: np.ndarray  # s̃_t = tanh(W_c v_t + b_c)         (…, T, combine units)
    probs: np.ndarray  # softmax(W_o s̃_t + b_o)                  (…, T, vocabulary)


def luong_attention_step(
    states: np.ndarray,
    encoder_outputs: np.ndarray,
    w_c: np.ndarray,
    b_c: np.ndarray,
    w_o: np.ndarray,
    b_o: np.ndarray,
    mask: np.ndarray | None = None,
) -> AttentionStep:
    """Dot-product attention and the attentional output layer, in NumPy.

    ``states`` are decoder hidden states ``s_t`` (``(T, units)``, or with a leading batch axis),
    ``encoder_outputs`` the encoder's hidden states ``h_i`` (``(n, units)``, same leading axes).
    Weights use the Keras layout (``x @ w``, ``w`` of shape ``(inputs, outputs)``), so
    ``w_c`` is ``W_cᵀ`` of the formula. ``mask`` (``(n,)`` or ``(batch, n)``, ``True`` for real
    tokens) removes padded encoder positions from the softmax as ``keras.layers.Attention`` does.
    """
    states = np.asarray(states, dtype=np.float64)
    encoder_outputs = np.asarray(encoder_outputs, dtype=np.float64)
    scores = states @ np.swapaxes(encoder_outputs, -1, -2)
    masked = scores
    if mask is not None:
        keep = np.expand_dims(np.asarray(mask, dtype=bool), -2)  # broadcast over the T query steps
        masked = np.where(keep, scores, scores - MASKED_SCORE_OFFSET)
    weights = softmax(masked)
    context = weights @ encoder_outputs
    concat = np.concatenate([context, states], axis=-1)
    attentional = np.tanh(concat @ w_c + b_c)
    probs = softmax(attentional @ w_o + b_o)
    return AttentionStep(scores, weights, context, concat, attentional, probs)


# ---------------------------------------------------------------------------------------------
# Keras models: training model, encoder model, one-step decoder model
# ---------------------------------------------------------------------------------------------

Cell = Literal["gru", "lstm"]
StepFn = Callable[[np.ndarray, list[np.ndarray]], tuple[np.ndarray, list[np.ndarray], "np.ndarray | None"]]
"""``step(tokens (n,), states) -> (next-token probabilities (n, V), new states, attention (n, S) or None)``."""


@dataclass
class Seq2Seq:
    """A trained-together encoder–decoder and the two inference models that share its layers.

    ``model``: ``[source ids, decoder input ids] → next-token probabilities`` (teacher forcing).
    ``encoder``: ``source ids → [encoder outputs h_1…h_n, *final states]``.
    ``step``: ``[previous token (n, 1), *states(, encoder outputs, source mask)] →
    [probabilities (n, 1, V), *new states(, attention weights (n, 1, S))]`` -- one decoder step.
    """

    model: keras.Model
    encoder: keras.Model
    step: keras.Model
    attention: bool
    n_states: int

    def start(self, source_ids: np.ndarray) -> tuple[StepFn, list[np.ndarray]]:
        """Encode ``source_ids`` and return a decoding step function and the initial decoder states.

        The initial states are the encoder's final states. The step function accepts a batch of
        the same size as ``source_ids``, or any size when one sentence is encoded (beam search):
        its encoder outputs are then repeated for every row.
        """
        source_ids = np.asarray(source_ids)
        outputs, *states = (np.asarray(t) for t in self.encoder(source_ids, training=False))
        source_mask = source_ids != 0

        def step(tokens: np.ndarray, states: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray], Any]:
            tokens = np.asarray(tokens).reshape(-1, 1)
            inputs = [tokens, *states]
            if self.attention:
                repeat = len(tokens) if len(outputs) == 1 else 1
                inputs += [np.repeat(outputs, repeat, axis=0), np.repeat(source_mask, repeat, axis=0)]
            probs, *rest = (np.asarray(t) for t in self.step(inputs, training=False))
            new_states, weights = rest[: self.n_states], (rest[self.n_states][:, 0] if self.attention else None)
            return probs[:, 0], new_states, weights

        return step, states


def build_seq2seq(
    source_vocab: int,
    target_vocab: int,
    *,
    embed_dim: int = 128,
    units: int = 256,
    attention: bool = False,
    cell: Cell = "gru",
    combine_units: int | None = None,
    dropout: float = 0.0,
) -> Seq2Seq:
    """Build an encoder–decoder translator; padding id 0 is masked everywhere.

    The encoder's final state(s) initialise the decoder. Each decoder state ``s_t`` is then
    combined into ``s̃_t = tanh(W_c v_t + b_c)`` (``combine_units``, default ``units``) and
    projected to the target vocabulary by a softmax layer ``W_o``. Without attention
    ``v_t = s_t``; with attention ``v_t = [a_t; s_t]``, where ``a_t`` is the context vector of
    ``keras.layers.Attention`` (dot scores ``s_tᵀh_i``, no scale) over the encoder outputs.
    So the two models differ only by the context vector. ``dropout`` is applied (in training
    only) to both embeddings and to ``v_t``.
    """
    rnn_class = {"gru": keras.layers.GRU, "lstm": keras.layers.LSTM}[cell]
    n_states = 1 if cell == "gru" else 2
    combine_units = combine_units or units

    source_embedding = keras.layers.Embedding(source_vocab, embed_dim, mask_zero=True, name="source_embedding")
    encoder_rnn = rnn_class(units, return_sequences=True, return_state=True, name="encoder_rnn")
    target_embedding = keras.layers.Embedding(target_vocab, embed_dim, mask_zero=True, name="target_embedding")
    decoder_rnn = rnn_class(units, return_sequences=True, return_state=True, name="decoder_rnn")
    attention_layer = keras.layers.Attention(name="attention") if attention else None
    concat = keras.layers.Concatenate(name="concat_context_state") if attention else None
    combine = keras.layers.Dense(combine_units, activation="tanh", name="W_c")
    output = keras.layers.Dense(target_vocab, activation="softmax", name="W_o")
    source_dropout, target_dropout, feature_dropout = (
        keras.layers.Dropout(dropout, name=f"{where}_dropout") for where in ("source", "target", "feature")
    )

    def decode(tokens, states, encoder_outputs, source_mask):  # shared by the training and step models
        embedded = target_dropout(target_embedding(tokens))
        decoder_outputs, *new_states = decoder_rnn(embedded, initial_state=list(states))
        weights = None
        features = decoder_outputs
        if attention_layer is not None:
            context, weights = attention_layer(
                [decoder_outputs, encoder_outputs], mask=[None, source_mask], return_attention_scores=True
            )
            features = concat([context, decoder_outputs])
        return output(combine(feature_dropout(features))), new_states, weights

    # training model (teacher forcing)
    source = keras.Input(shape=(None,), dtype="int32", name="source")
    decoder_input = keras.Input(shape=(None,), dtype="int32", name="decoder_input")
    encoder_outputs, *encoder_states = encoder_rnn(source_dropout(source_embedding(source)))
    source_mask = keras.ops.not_equal(source, 0)
    probs, _, _ = decode(decoder_input, encoder_states, encoder_outputs, source_mask)
    name = "seq2seq_attention" if attention else "seq2seq"
    model = keras.Model([source, decoder_input], probs, name=name)
    encoder = keras.Model(source, [encoder_outputs, *encoder_states], name=f"{name}_encoder")

    # one decoder step for inference
    token = keras.Input(shape=(1,), dtype="int32", name="previous_token")
    state_inputs = [keras.Input(shape=(units,), name=f"state_{i}") for i in range(n_states)]
    step_inputs = [token, *state_inputs]
    step_encoder_outputs = step_mask = None
    if attention:
        step_encoder_outputs = keras.Input(shape=(None, units), name="encoder_outputs")
        step_mask = keras.Input(shape=(None,), dtype="bool", name="source_mask")
        step_inputs += [step_encoder_outputs, step_mask]
    step_probs, new_states, weights = decode(token, state_inputs, step_encoder_outputs, step_mask)
    step_outputs = [step_probs, *new_states] + ([weights] if attention else [])
    step = keras.Model(step_inputs, step_outputs, name=f"{name}_step")
    return Seq2Seq(model, encoder, step, attention, n_states)


def compile_seq2seq(model: keras.Model, learning_rate: float = 1e-3) -> keras.Model:
    """Adam and cross-entropy that ignores padding targets (id 0); returns the model."""
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(ignore_class=0),
    )
    return model


# ---------------------------------------------------------------------------------------------
# Decoding: greedy (batched) and beam search
# ---------------------------------------------------------------------------------------------


class Decoded(NamedTuple):
    """Greedy decoding of a batch: token ids (``0`` after ``<eos>``) and attention weights."""

    ids: np.ndarray  # (n, steps), <eos> included, padding after it
    attention: np.ndarray | None  # (n, steps, source length) or None without attention


def greedy_decode(
    step: StepFn, states: list[np.ndarray], *, sos_id: int, eos_id: int, max_len: int, pad_id: int = 0
) -> Decoded:
    """Decode a whole batch in parallel, feeding back the most probable token at every step.

    Stops when every row has produced ``<eos>`` or after ``max_len`` steps; a finished row
    gets ``pad_id`` from then on.
    """
    n = len(states[0])
    tokens = np.full(n, sos_id)
    finished = np.zeros(n, dtype=bool)
    ids, weights = [], []
    for _ in range(max_len):
        probs, states, attention = step(tokens, states)
        tokens = np.where(finished, pad_id, np.argmax(probs, axis=-1))
        ids.append(tokens)
        if attention is not None:
            weights.append(attention)
        finished |= tokens == eos_id
        if finished.all():
            break
    return Decoded(np.stack(ids, axis=1), np.stack(weights, axis=1) if weights else None)


class Hypothesis(NamedTuple):
    """One beam-search result: token ids (without ``<sos>``, with ``<eos>`` if finished) and log-probability."""

    ids: tuple[int, ...]
    log_prob: float


def beam_search(
    step: StepFn, states: list[np.ndarray], *, sos_id: int, eos_id: int, max_len: int, beam_width: int = 4
) -> list[Hypothesis]:
    """Beam search for one sentence; returns the ``beam_width`` hypotheses of the final beam, best first.

    A hypothesis' score is its total log-probability. At every step each unfinished hypothesis
    of the beam is extended by every token; the finished hypotheses (ending in ``<eos>``) and
    the extensions compete, and the ``beam_width`` best form the next beam. The search stops
    when every hypothesis in the beam is finished, or after ``max_len`` steps. With
    ``beam_width=1`` this is exactly greedy decoding.
    """
    if beam_width < 1:
        raise ValueError(f"beam_width 는 1 이상이어야 해요 (받은 값: {beam_width}).")
    if len(states[0]) != 1:
        raise ValueError("beam_search 는 한 문장씩 풀어요: 상태의 배치 크기가 1이어야 해요.")
    beam = [Hypothesis((), 0.0)]  # unfinished hypotheses' states are the rows of `states`, in beam order

    def is_finished(hypothesis: Hypothesis) -> bool:
        return bool(hypothesis.ids) and hypothesis.ids[-1] == eos_id

    for _ in range(max_len):
        live = [h for h in beam if not is_finished(h)]
        if not live:
            break
        probs, new_states, _ = step(np.array([h.ids[-1] if h.ids else sos_id for h in live]), states)
        with np.errstate(divide="ignore"):
            candidates = np.array([h.log_prob for h in live])[:, None] + np.log(probs)
        best = np.argsort(-candidates, axis=None, kind="stable")[:beam_width]
        best = best[np.isfinite(candidates.ravel()[best])]  # never extend by a token of probability 0
        pool = [(h, -1) for h in beam if is_finished(h)]
        for row, token in zip(*np.unravel_index(best, candidates.shape)):
            pool.append((Hypothesis((*live[row].ids, int(token)), float(candidates[row, token])), int(row)))
        pool.sort(key=lambda entry: -entry[0].log_prob)  # stable: earlier entries win ties
        beam = [h for h, _ in pool[:beam_width]]
        rows = [row for h, row in pool[:beam_width] if not is_finished(h)]
        states = [s[np.array(rows, dtype=int)] for s in new_states]
    return beam


# ---------------------------------------------------------------------------------------------
# Back to text, and scores
# ---------------------------------------------------------------------------------------------


def ids_to_tokens(ids: Sequence[int] | np.ndarray, vocabulary: Sequence[str], *, eos_id: int) -> list[str]:
    """Tokens of one decoded row, up to (not including) ``<eos>``; padding is skipped."""
    tokens = []
    for i in map(int, ids):
        if i == eos_id:
            break
        if i:
            tokens.append(vocabulary[i])
    return tokens


@dataclass(frozen=True)
class Scores:
    """Corpus-level sacrebleu scores (0–100)."""

    bleu: float
    chrf: float


def _check_pairing(hypotheses: Sequence[str], references: Sequence[str]) -> None:
    if len(hypotheses) != len(references):
        raise ValueError(f"번역 {len(hypotheses)}개와 정답 {len(references)}개의 수가 달라요.")


def translation_scores(hypotheses: Sequence[str], references: Sequence[str]) -> Scores:
    """Corpus BLEU and chrF of ``hypotheses`` against one reference each (sacrebleu defaults)."""
    import sacrebleu

    _check_pairing(hypotheses, references)
    hypotheses, references = list(hypotheses), [list(references)]
    return Scores(
        bleu=float(sacrebleu.corpus_bleu(hypotheses, references).score),
        chrf=float(sacrebleu.corpus_chrf(hypotheses, references).score),
    )


def sentence_chrf(hypotheses: Sequence[str], references: Sequence[str]) -> np.ndarray:
    """chrF of every hypothesis against its reference (sacrebleu's ``sentence_chrf``), e.g. to pick examples."""
    import sacrebleu

    _check_pairing(hypotheses, references)
    return np.array([sacrebleu.sentence_chrf(h, [r]).score for h, r in zip(hypotheses, references)])
