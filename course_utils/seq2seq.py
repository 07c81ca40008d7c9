"""Sequence-to-sequence translation with and without attention (notebook 09).

The pieces of an encoder–decoder translator, each small enough to test on its own::

    from course_utils import seq2seq as s2s

    parts = data.split_frame(pairs, valid_size=0.1, test_size=0.1, seed=0, group=("eng", "kor"))  # leak-free split
    x_dec, y_dec = s2s.teacher_forcing_arrays(target_ids, eos_id=eos_id)   # shifted by one step
    net = s2s.build_seq2seq(src_vocab, tgt_vocab, units=256, attention="general", bidirectional=True)
    s2s.compile_seq2seq(net.model, learning_rate=schedule, label_smoothing=0.1, clipnorm=1.0)
    net.model.fit([source_ids, x_dec], y_dec, ...)                          # teacher forcing
    decoded = s2s.greedy_decode(*net.start(test_source_ids), sos_id=sos_id, eos_id=eos_id, max_len=20)
    beams = s2s.beam_search(*net.start(test_source_ids, beam_width=4), sos_id=sos_id, eos_id=eos_id,
                            max_len=20, beam_width=4, alpha=1.0)            # batched, length-normalised
    s2s.translation_scores(hypotheses, references)       # multi-reference sacrebleu BLEU and chrF
    s2s.paired_bootstrap(baseline, system, references)   # sacrebleu's paired bootstrap resampling

:func:`course_utils.reference.luong_attention_step` is the NumPy reference of one attention step (scores
``s_tᵀh_i``, softmax, context, ``[a_t; s_t]``, ``tanh(W_c[a_t; s_t] + b_c)``, output softmax);
the Keras model here computes the same thing with ``keras.layers.Attention``, ``Concatenate`` and
two ``Dense`` layers. :func:`build_transformer` is the small Transformer encoder–decoder that
the RNN translators are compared with.

Importing this module imports Keras; call ``config.setup()`` first in a notebook.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import keras
import numpy as np
import pandas as pd
from keras import ops

SOS, EOS = "<sos>", "<eos>"
"""The start- and end-of-sentence markers put around every target sentence (word-level targets)."""

# ---------------------------------------------------------------------------------------------
# Text: English tokens, markers, teacher-forcing arrays
# ---------------------------------------------------------------------------------------------

_ENGLISH_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*|[^\sa-z0-9]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def tokenize_english(sentence: str) -> list[str]:
    """Lower-case words (apostrophes inside kept: ``don't``, ``tom's``) and punctuation marks as tokens.

    >>> tokenize_english("Don't worry, Tom!")
    ["don't", 'worry', ',', 'tom', '!']
    """
    text = unicodedata.normalize("NFKC", sentence).translate(_QUOTES).lower()
    return _ENGLISH_TOKEN.findall(text)


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


def pad_ids(rows: Sequence[Sequence[int]], maxlen: int | None = None) -> np.ndarray:
    """Pad (at the end, with 0) or cut id lists into one ``int32`` array (``keras.utils.pad_sequences``)."""
    return keras.utils.pad_sequences(list(rows), maxlen=maxlen, padding="post", truncating="post", dtype="int32")


# ---------------------------------------------------------------------------------------------
# The references of each source sentence
# ---------------------------------------------------------------------------------------------


def references_by_source(frame: pd.DataFrame, *, source: str = "kor", target: str = "eng") -> pd.DataFrame:
    """One row per distinct source sentence (first-appearance order) with all its translations.

    Columns: ``source``, ``references`` (a list of the distinct ``target`` sentences, in row
    order) and ``rows`` (how many pairs the source had). Scoring a translation against every
    reference is fairer than against the one that happened to be in its row.
    """
    grouped = frame.groupby(source, sort=False)[target]
    table = grouped.agg(lambda values: list(dict.fromkeys(values))).rename("references").to_frame()
    table["rows"] = grouped.size()
    return table.rename_axis("source").reset_index()


# ---------------------------------------------------------------------------------------------
# Keras models: training model, encoder model, one-step decoder model
# ---------------------------------------------------------------------------------------------

Cell = Literal["gru", "lstm"]
AttentionKind = Literal["dot", "general", "additive"]
ATTENTION_KINDS: tuple[AttentionKind, ...] = ("dot", "general", "additive")
StepFn = Callable[[np.ndarray, list[np.ndarray]], tuple[np.ndarray, list[np.ndarray], "np.ndarray | None"]]
"""``step(tokens (n,), states) -> (next-token probabilities (n, V), new states, attention (n, S) or None)``."""


def _repeat_rows(arrays: Sequence[np.ndarray], times: int) -> list[np.ndarray]:
    """Each row ``times`` times in a row (row ``i`` becomes rows ``i·times … i·times + times − 1``)."""
    return [np.repeat(np.asarray(a), times, axis=0) for a in arrays]


@dataclass
class Seq2Seq:
    """A trained-together encoder–decoder and the two inference models that share its layers.

    ``model``: ``[source ids, decoder input ids] → next-token probabilities`` (teacher forcing).
    ``encoder``: ``source ids → [encoder outputs h_1…h_n, *initial decoder states]``.
    ``step``: ``[previous token (n, 1), *states(, encoder outputs, source mask)] →
    [probabilities (n, 1, V), *new states(, attention weights (n, 1, S))]`` -- one decoder step.
    ``attention`` is ``None`` or the score kind (``"dot"``, ``"general"``, ``"additive"``).
    """

    model: keras.Model
    encoder: keras.Model
    step: keras.Model
    attention: AttentionKind | None
    n_states: int

    def start(self, source_ids: np.ndarray, beam_width: int = 1) -> tuple[StepFn, list[np.ndarray]]:
        """Encode ``source_ids`` and return a decoding step function and the initial decoder states.

        The initial states come from the encoder's final states. With ``beam_width`` ``k`` every
        sentence's states and encoder outputs are repeated ``k`` times (rows ``i·k … i·k + k − 1``
        belong to sentence ``i``), as :func:`beam_search` expects.
        """
        source_ids = np.asarray(source_ids)
        outputs, *states = (np.asarray(t) for t in self.encoder(source_ids, training=False))
        outputs, source_mask, *states = _repeat_rows([outputs, source_ids != 0, *states], beam_width)

        def step(tokens: np.ndarray, states: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray], Any]:
            tokens = np.asarray(tokens).reshape(-1, 1)
            inputs = [tokens, *states] + ([outputs, source_mask] if self.attention else [])
            probs, *rest = (np.asarray(t) for t in self.step(inputs, training=False))
            new_states, weights = rest[: self.n_states], (rest[self.n_states][:, 0] if self.attention else None)
            return probs[:, 0], new_states, weights

        return step, states


def _attention_kind(attention: bool | str | None) -> AttentionKind | None:
    if attention is True:
        return "dot"
    if attention is False or attention is None:
        return None
    if attention not in ATTENTION_KINDS:
        raise ValueError(f"attention 은 False 또는 {ATTENTION_KINDS} 중 하나여야 해요 (받은 값: {attention!r}).")
    return attention


def build_seq2seq(
    source_vocab: int,
    target_vocab: int,
    *,
    embed_dim: int = 128,
    units: int = 256,
    attention: bool | AttentionKind | None = False,
    cell: Cell = "gru",
    bidirectional: bool = False,
    combine_units: int | None = None,
    dropout: float = 0.0,
) -> Seq2Seq:
    """Build an encoder–decoder translator; padding id 0 is masked everywhere.

    The encoder's final state(s) initialise the decoder; a ``bidirectional`` encoder runs
    ``units // 2`` cells each way, so both its outputs ``h_i = [h→_i; h←_i]`` and the decoder's
    initial state ``[h→_n; h←_1]`` (the last state of each direction) have ``units`` values.
    Each decoder state ``s_t`` is then combined into ``s̃_t = tanh(W_c v_t + b_c)``
    (``combine_units``, default ``units``) and projected to the target vocabulary by a softmax
    layer ``W_o``. Without attention ``v_t = s_t``; with attention ``v_t = [a_t; s_t]``, where
    ``a_t`` is a context vector over the encoder outputs with Luong-style scores:

    - ``"dot"`` (or ``True``): ``s_tᵀh_i`` with ``keras.layers.Attention`` (no scale);
    - ``"general"``: ``s_tᵀW_a h_i``: ``W_a`` is a ``Dense(use_bias=False)`` on the keys;
    - ``"additive"``: ``v_aᵀ tanh(W_q s_t + W_k h_i)`` (Bahdanau's score) with
      ``keras.layers.AdditiveAttention`` on projected queries and keys.

    So the models differ only by the context vector. ``dropout`` is applied (in training only)
    to both embeddings and to ``v_t``.
    """
    kind = _attention_kind(attention)
    if bidirectional and units % 2:
        raise ValueError(f"양방향 인코더는 units 를 반씩 나눠 써요: 짝수여야 해요 (받은 값: {units}).")
    rnn_class = {"gru": keras.layers.GRU, "lstm": keras.layers.LSTM}[cell]
    n_states = 1 if cell == "gru" else 2
    combine_units = combine_units or units

    source_embedding = keras.layers.Embedding(source_vocab, embed_dim, mask_zero=True, name="source_embedding")
    if bidirectional:
        encoder_rnn = keras.layers.Bidirectional(
            rnn_class(units // 2, return_sequences=True, return_state=True), name="encoder_rnn"
        )
        join_states = [keras.layers.Concatenate(name=f"initial_state_{i}") for i in range(n_states)]
    else:
        encoder_rnn = rnn_class(units, return_sequences=True, return_state=True, name="encoder_rnn")
    target_embedding = keras.layers.Embedding(target_vocab, embed_dim, mask_zero=True, name="target_embedding")
    decoder_rnn = rnn_class(units, return_sequences=True, return_state=True, name="decoder_rnn")
    query_projection = key_projection = None
    if kind == "general":
        key_projection = keras.layers.Dense(units, use_bias=False, name="W_a")
    if kind == "additive":
        query_projection = keras.layers.Dense(units, use_bias=False, name="W_q")
        key_projection = keras.layers.Dense(units, use_bias=False, name="W_k")
    attention_layer = None
    if kind is not None:
        attention_class = keras.layers.AdditiveAttention if kind == "additive" else keras.layers.Attention
        attention_layer = attention_class(name="attention")
    concat = keras.layers.Concatenate(name="concat_context_state") if kind else None
    combine = keras.layers.Dense(combine_units, activation="tanh", name="W_c")
    output = keras.layers.Dense(target_vocab, activation="softmax", name="W_o")
    source_dropout, target_dropout, feature_dropout = (
        keras.layers.Dropout(dropout, name=f"{where}_dropout") for where in ("source", "target", "feature")
    )

    def encode(source):
        encoder_outputs, *final = encoder_rnn(source_dropout(source_embedding(source)))
        if bidirectional:  # [forward states…, backward states…] → one state per kind, both directions
            final = [join([final[i], final[n_states + i]]) for i, join in enumerate(join_states)]
        return encoder_outputs, final

    def decode(tokens, states, encoder_outputs, source_mask):  # shared by the training and step models
        embedded = target_dropout(target_embedding(tokens))
        decoder_outputs, *new_states = decoder_rnn(embedded, initial_state=list(states))
        weights = None
        features = decoder_outputs
        if attention_layer is not None:
            query = query_projection(decoder_outputs) if query_projection else decoder_outputs
            key = key_projection(encoder_outputs) if key_projection else encoder_outputs
            context, weights = attention_layer(
                [query, encoder_outputs, key], mask=[None, source_mask], return_attention_scores=True
            )
            features = concat([context, decoder_outputs])
        return output(combine(feature_dropout(features))), new_states, weights

    # training model (teacher forcing)
    source = keras.Input(shape=(None,), dtype="int32", name="source")
    decoder_input = keras.Input(shape=(None,), dtype="int32", name="decoder_input")
    encoder_outputs, encoder_states = encode(source)
    source_mask = keras.ops.not_equal(source, 0)
    probs, _, _ = decode(decoder_input, encoder_states, encoder_outputs, source_mask)
    name = f"seq2seq_{kind}" if kind else "seq2seq"
    model = keras.Model([source, decoder_input], probs, name=name)
    encoder = keras.Model(source, [encoder_outputs, *encoder_states], name=f"{name}_encoder")

    # one decoder step for inference
    token = keras.Input(shape=(1,), dtype="int32", name="previous_token")
    state_inputs = [keras.Input(shape=(units,), name=f"state_{i}") for i in range(n_states)]
    step_inputs = [token, *state_inputs]
    step_encoder_outputs = step_mask = None
    if kind:
        step_encoder_outputs = keras.Input(shape=(None, units), name="encoder_outputs")
        step_mask = keras.Input(shape=(None,), dtype="bool", name="source_mask")
        step_inputs += [step_encoder_outputs, step_mask]
    step_probs, new_states, weights = decode(token, state_inputs, step_encoder_outputs, step_mask)
    step_outputs = [step_probs, *new_states] + ([weights] if kind else [])
    step = keras.Model(step_inputs, step_outputs, name=f"{name}_step")
    return Seq2Seq(model, encoder, step, kind, n_states)


# ---------------------------------------------------------------------------------------------
# A small Transformer encoder–decoder ("what came after RNNs")
# ---------------------------------------------------------------------------------------------


class PositionalEmbedding(keras.layers.Layer):
    """Token embedding plus a learned embedding of the position (0, 1, …, ``max_len − 1``)."""

    def __init__(self, vocab: int, max_len: int, dim: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tokens = keras.layers.Embedding(vocab, dim)
        self.positions = keras.layers.Embedding(max_len, dim)
        self.max_len = max_len

    def call(self, ids):
        positions = ops.arange(ops.shape(ids)[-1])
        return self.tokens(ids) + self.positions(positions)[None]


@dataclass
class TransformerSeq2Seq:
    """A Transformer translator: ``model`` for teacher forcing, ``encoder`` and ``decoder`` for inference.

    ``decoder``: ``[target prefix ids (n, t), encoder outputs, source mask] → probabilities (n, t, V)``.
    Decoding re-runs the decoder on the whole prefix at every step (no cache: sentences are short);
    the step state is the prefix itself, so :func:`greedy_decode` and :func:`beam_search` work unchanged.
    """

    model: keras.Model
    encoder: keras.Model
    decoder: keras.Model

    def start(self, source_ids: np.ndarray, beam_width: int = 1) -> tuple[StepFn, list[np.ndarray]]:
        """Encode ``source_ids``; the initial state is an empty prefix per (repeated) row."""
        source_ids = np.asarray(source_ids)
        outputs = np.asarray(self.encoder(source_ids, training=False))
        outputs, source_mask = _repeat_rows([outputs, source_ids != 0], beam_width)

        def step(tokens: np.ndarray, states: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray], None]:
            prefix = np.concatenate([states[0], np.asarray(tokens).reshape(-1, 1)], axis=1).astype("int32")
            with warnings.catch_warnings():  # a one-token prefix: Keras warns that its causal softmax has size 1
                warnings.filterwarnings("ignore", message="You are using a softmax over axis")
                probs = np.asarray(self.decoder([prefix, outputs, source_mask], training=False))
            return probs[:, -1], [prefix], None

        return step, [np.zeros((len(outputs), 0), dtype="int32")]


def build_transformer(
    source_vocab: int,
    target_vocab: int,
    *,
    max_len: int,
    embed_dim: int = 128,
    heads: int = 4,
    ff_dim: int = 256,
    layers: int = 2,
    dropout: float = 0.1,
) -> TransformerSeq2Seq:
    """A post-norm Transformer encoder–decoder with ``layers`` encoder and ``layers`` decoder blocks.

    Encoder block: self-attention over the source (padding masked) and a feed-forward layer;
    decoder block: causal self-attention, cross-attention to the encoder outputs, feed-forward.
    Each sub-layer has dropout, a residual connection and ``LayerNormalization``. All
    attention is ``keras.layers.MultiHeadAttention``; ``max_len`` bounds both sequence lengths.
    """

    def residual(x, sublayer_output, name):
        return keras.layers.LayerNormalization(name=f"{name}_norm")(
            x + keras.layers.Dropout(dropout, name=f"{name}_dropout")(sublayer_output)
        )

    def feed_forward(x, name):
        hidden = keras.layers.Dense(ff_dim, activation="relu", name=f"{name}_ff1")(x)
        return residual(x, keras.layers.Dense(embed_dim, name=f"{name}_ff2")(hidden), name=f"{name}_ff")

    def attention(name):
        return keras.layers.MultiHeadAttention(heads, embed_dim // heads, dropout=dropout, name=name)

    source = keras.Input(shape=(None,), dtype="int32", name="source")
    source_mask = ops.not_equal(source, 0)
    x = PositionalEmbedding(source_vocab, max_len, embed_dim, name="source_embedding")(source)
    for i in range(layers):
        mask = source_mask[:, None, :]
        x = residual(x, attention(f"enc{i}_self")(x, x, attention_mask=mask), name=f"enc{i}_self")
        x = feed_forward(x, name=f"enc{i}")
    encoder = keras.Model(source, x, name="transformer_encoder")

    prefix = keras.Input(shape=(None,), dtype="int32", name="decoder_input")
    memory = keras.Input(shape=(None, embed_dim), name="encoder_outputs")
    memory_mask = keras.Input(shape=(None,), dtype="bool", name="source_mask")
    y = PositionalEmbedding(target_vocab, max_len, embed_dim, name="target_embedding")(prefix)
    for i in range(layers):
        y = residual(y, attention(f"dec{i}_self")(y, y, use_causal_mask=True), name=f"dec{i}_self")
        y = residual(y, attention(f"dec{i}_cross")(y, memory, attention_mask=memory_mask[:, None, :]),
                     name=f"dec{i}_cross")
        y = feed_forward(y, name=f"dec{i}")
    probs = keras.layers.Dense(target_vocab, activation="softmax", name="W_o")(y)
    decoder = keras.Model([prefix, memory, memory_mask], probs, name="transformer_decoder")

    decoder_input = keras.Input(shape=(None,), dtype="int32", name="decoder_input")
    model = keras.Model([source, decoder_input], decoder([decoder_input, encoder(source), source_mask]),
                        name="transformer")
    return TransformerSeq2Seq(model, encoder, decoder)


# ---------------------------------------------------------------------------------------------
# Loss and optimiser
# ---------------------------------------------------------------------------------------------


class MaskedSmoothedCrossentropy(keras.losses.Loss):
    """Cross-entropy with label smoothing over *real* target tokens only (id 0 is padding).

    Per token: ``(1 − ε)·(−log p(y)) + ε·mean_v(−log p(v))`` -- the cross-entropy with the target
    ``(1 − ε)·one_hot(y) + ε/V``. The batch loss is the mean over the non-padding tokens, so
    padding neither adds loss nor dilutes it (the same normalisation as ``ignore_class=0``).
    """

    def __init__(self, label_smoothing: float = 0.0, name: str = "masked_smoothed_crossentropy") -> None:
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(f"label_smoothing 은 0 이상 1 미만이어야 해요 (받은 값: {label_smoothing}).")
        super().__init__(name=name, reduction="sum")
        self.label_smoothing = label_smoothing

    def call(self, y_true, y_pred):
        y_true = ops.cast(y_true, "int32")
        log_probs = ops.log(ops.clip(y_pred, keras.config.epsilon(), 1.0))
        nll = -ops.squeeze(ops.take_along_axis(log_probs, y_true[..., None], axis=-1), -1)
        uniform = -ops.mean(log_probs, axis=-1)
        per_token = (1.0 - self.label_smoothing) * nll + self.label_smoothing * uniform
        real = ops.cast(ops.not_equal(y_true, 0), per_token.dtype)
        return per_token * real / ops.maximum(ops.sum(real), 1.0)

    def get_config(self) -> dict[str, Any]:
        return {"label_smoothing": self.label_smoothing, "name": self.name}


def compile_seq2seq(
    model: keras.Model,
    learning_rate: float | keras.optimizers.schedules.LearningRateSchedule = 1e-3,
    *,
    label_smoothing: float = 0.0,
    clipnorm: float | None = None,
) -> keras.Model:
    """Adam (optionally with a schedule and gradient-norm clipping) and :class:`MaskedSmoothedCrossentropy`."""
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate, clipnorm=clipnorm),
        loss=MaskedSmoothedCrossentropy(label_smoothing),
    )
    return model


# ---------------------------------------------------------------------------------------------
# Decoding: greedy and beam search, both batched
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
    gets ``pad_id`` from then on. Padding is never chosen as a word (an untrained model may
    give it the highest probability).
    """
    n = len(states[0])
    tokens = np.full(n, sos_id)
    finished = np.zeros(n, dtype=bool)
    ids, weights = [], []
    for _ in range(max_len):
        probs, states, attention = step(tokens, states)
        probs = np.array(probs, copy=True)
        probs[:, pad_id] = -np.inf
        tokens = np.where(finished, pad_id, np.argmax(probs, axis=-1))
        ids.append(tokens)
        if attention is not None:
            weights.append(attention)
        finished |= tokens == eos_id
        if finished.all():
            break
    return Decoded(np.stack(ids, axis=1), np.stack(weights, axis=1) if weights else None)


def length_normalized_score(log_prob: Any, length: Any, alpha: float = 1.0) -> np.ndarray:
    """``log p(y) / |y|^α``: the score that ranks finished beam hypotheses (``|y|`` counts ``<eos>``).

    A sum of log-probabilities only decreases as a sentence grows, so plain beam search
    prefers short translations; dividing by the length (``α = 1``) removes that bias,
    ``α = 0`` keeps the plain sum, values in between compromise.
    """
    length = np.asarray(length, dtype=np.float64)
    if np.any(length < 1):
        raise ValueError("길이는 1 이상이어야 해요 (<eos> 도 한 토큰으로 셉니다).")
    return np.asarray(log_prob, dtype=np.float64) / length**alpha


class Beams(NamedTuple):
    """Batched beam search: ``beam_width`` hypotheses per sentence, best (highest ``scores``) first."""

    ids: np.ndarray  # (n, beam width, steps): <eos> included, padding after it
    log_probs: np.ndarray  # (n, beam width): total log-probability
    lengths: np.ndarray  # (n, beam width): tokens, <eos> included
    scores: np.ndarray  # (n, beam width): length_normalized_score(log_probs, lengths, alpha)

    @property
    def best(self) -> np.ndarray:
        """``(n, steps)``: the best hypothesis of every sentence."""
        return self.ids[:, 0]


def beam_search(
    step: StepFn,
    states: list[np.ndarray],
    *,
    sos_id: int,
    eos_id: int,
    max_len: int,
    beam_width: int = 4,
    alpha: float = 0.0,
    pad_id: int = 0,
) -> Beams:
    """Beam search for a whole batch at once; ``states`` hold ``beam_width`` rows per sentence.

    (``net.start(source, beam_width=k)`` of a translator repeats every sentence's states ``k`` times.)
    Each sentence keeps its ``k`` hypotheses with the highest total log-probability. At every step
    each unfinished hypothesis is extended by every token, a finished one (ended by ``<eos>``)
    only by padding at no cost, and the ``k`` best of these ``k·V`` candidates per sentence form
    the next beam. The search stops when every hypothesis is finished, or after ``max_len``
    steps. The final hypotheses are ranked by :func:`length_normalized_score` with ``alpha``.
    With ``beam_width=1`` and ``alpha=0`` this is exactly greedy decoding.
    """
    if beam_width < 1:
        raise ValueError(f"beam_width 는 1 이상이어야 해요 (받은 값: {beam_width}).")
    rows = len(states[0])
    if rows % beam_width:
        raise ValueError(
            f"상태의 행 수({rows})가 beam_width({beam_width})의 배수가 아니에요. "
            f"start(source, beam_width={beam_width}) 로 문장마다 상태를 {beam_width}번 반복해 넘기세요."
        )
    n, k = rows // beam_width, beam_width
    log_probs = np.full((n, k), -np.inf)
    log_probs[:, 0] = 0.0  # at first only one hypothesis (<sos>) per sentence is alive
    lengths = np.zeros((n, k), dtype=int)
    finished = np.zeros((n, k), dtype=bool)
    history = np.zeros((n, k, 0), dtype=int)
    tokens = np.full(n * k, sos_id)
    for _ in range(max_len):
        probs, new_states, _ = step(tokens, states)
        vocab = probs.shape[-1]
        with np.errstate(divide="ignore"):
            token_log_probs = np.log(probs).reshape(n, k, vocab)
        token_log_probs[finished] = -np.inf  # a finished hypothesis continues only with padding, at cost 0
        token_log_probs[..., pad_id] = np.where(finished, 0.0, -np.inf)
        candidates = (log_probs[..., None] + token_log_probs).reshape(n, k * vocab)
        chosen = np.argsort(-candidates, axis=1, kind="stable")[:, :k]
        parent, token = chosen // vocab, chosen % vocab
        log_probs = np.take_along_axis(candidates, chosen, axis=1)
        was_finished = np.take_along_axis(finished, parent, axis=1)
        lengths = np.take_along_axis(lengths, parent, axis=1) + ~was_finished
        finished = was_finished | (token == eos_id) | ~np.isfinite(log_probs)
        history = np.concatenate([np.take_along_axis(history, parent[..., None], axis=1), token[..., None]], axis=2)
        source_rows = (np.arange(n)[:, None] * k + parent).ravel()
        states = [s[source_rows] for s in new_states]
        tokens = token.ravel()
        if finished.all():
            break
    scores = np.where(np.isfinite(log_probs), length_normalized_score(log_probs, np.maximum(lengths, 1), alpha), -np.inf)
    order = np.argsort(-scores, axis=1, kind="stable")
    history = np.where(np.isfinite(log_probs)[..., None], history, pad_id)
    pick = lambda a: np.take_along_axis(a, order, axis=1)  # noqa: E731
    return Beams(np.take_along_axis(history, order[..., None], axis=1), pick(log_probs), pick(lengths), pick(scores))


# ---------------------------------------------------------------------------------------------
# Back to text, and scores
# ---------------------------------------------------------------------------------------------


def strip_after_eos(ids: Sequence[int] | np.ndarray, *, eos_id: int) -> list[int]:
    """The ids of one decoded row up to (not including) ``<eos>``, padding skipped (for ``decode``)."""
    kept = []
    for i in map(int, ids):
        if i == eos_id:
            break
        if i:
            kept.append(i)
    return kept


def _texts(value: Any, what: str) -> list[str]:
    """``value`` as a list of sentences; a lone string is the classic slip, so it gets its own message."""
    if isinstance(value, str):
        raise TypeError(
            f"{what}에 문자열 하나가 들어왔어요. 문장의 목록이 필요해요: 한 문장이라도 [\"...\"] 처럼 리스트로 감싸 주세요."
        )
    texts = list(value)
    bad = [type(t).__name__ for t in texts if not isinstance(t, str)]
    if bad:
        raise TypeError(f"{what}의 항목은 모두 문자열이어야 해요 (받은 형식: {sorted(set(bad))}).")
    return texts


def _reference_lists(references: Any, n: int) -> list[list[str]]:
    """Every sentence's references as a list: a string item is one reference, a list of strings several."""
    if isinstance(references, str):
        _texts(references, "references")
    lists = [[item] if isinstance(item, str) else _texts(item, "references 의 한 항목") for item in references]
    if len(lists) != n:
        raise ValueError(f"번역 {n}개와 정답 {len(lists)}개의 수가 달라요. 번역 한 문장마다 정답 목록이 하나씩 있어야 해요.")
    if any(not refs for refs in lists):
        raise ValueError("정답이 하나도 없는 문장이 있어요. 문장마다 정답을 하나 이상 주세요.")
    return lists


def reference_streams(references: Sequence[Sequence[str]]) -> list[list[str | None]]:
    """sacrebleu's layout: stream ``j`` holds every sentence's ``j``-th reference (``None`` where it has fewer)."""
    width = max(len(refs) for refs in references)
    return [[refs[j] if j < len(refs) else None for refs in references] for j in range(width)]


def _prepared(hypotheses: Any, references: Any) -> tuple[list[str], list[list[str | None]]]:
    hyps = _texts(hypotheses, "hypotheses")
    return hyps, reference_streams(_reference_lists(references, len(hyps)))


@dataclass(frozen=True)
class Scores:
    """Corpus-level sacrebleu scores (0–100) and the signatures that say how they were computed."""

    bleu: float
    chrf: float
    bleu_signature: str = ""
    chrf_signature: str = ""


def translation_scores(hypotheses: Sequence[str], references: Sequence[str | Sequence[str]]) -> Scores:
    """Corpus BLEU and chrF (sacrebleu defaults: cased, 13a tokenizer for BLEU, chrF with β = 2).

    ``references[i]`` is the reference of hypothesis ``i``, or a list of all its references
    (multi-reference scoring: an n-gram counts if it matches *any* of them). A plain string for
    either argument is a mistake (it would be read one character per sentence) and raises a
    ``TypeError`` with a Korean message.
    """
    from sacrebleu.metrics import BLEU, CHRF

    hyps, streams = _prepared(hypotheses, references)
    bleu, chrf = BLEU(), CHRF()
    return Scores(
        bleu=float(bleu.corpus_score(hyps, streams).score),
        chrf=float(chrf.corpus_score(hyps, streams).score),
        bleu_signature=str(bleu.get_signature()),
        chrf_signature=str(chrf.get_signature()),
    )


def sentence_chrf(hypotheses: Sequence[str], references: Sequence[str | Sequence[str]]) -> np.ndarray:
    """chrF of every hypothesis against its reference(s) (sacrebleu's ``sentence_score``), e.g. to pick examples."""
    from sacrebleu.metrics import CHRF

    hyps = _texts(hypotheses, "hypotheses")
    metric = CHRF()
    return np.array([metric.sentence_score(h, refs).score for h, refs in zip(hyps, _reference_lists(references, len(hyps)))])


def best_constant_output(candidates: Sequence[str], references: Sequence[str | Sequence[str]]) -> tuple[str, float]:
    """The "doing nothing" floor: the candidate with the highest corpus chrF when output for *every* sentence.

    Choose it on validation references, then score that one sentence on the test set.
    """
    from sacrebleu.metrics import CHRF

    pool = list(dict.fromkeys(_texts(candidates, "candidates")))
    if not pool:
        raise ValueError("candidates 가 비어 있어요. 후보 문장을 하나 이상 주세요.")
    _, streams = _prepared(["x"] * len(references), references)
    metric = CHRF()
    scores = [metric.corpus_score([c] * len(streams[0]), streams).score for c in pool]
    best = int(np.argmax(scores))
    return pool[best], float(scores[best])


@dataclass(frozen=True)
class PairedBootstrap:
    """sacrebleu's paired bootstrap resampling of two systems on the same sentences.

    ``table``: one row per (metric, system) with the corpus ``score``, the bootstrap ``mean``,
    the 95 % interval ``low``–``high`` (the width of the middle 95 % of the resampled scores, centred
    on their mean) and, for the system, the two-sided ``p_value`` of the difference to the baseline.
    ``signatures``: sacrebleu's signature per metric. ``n_samples``: the number of resamples.
    """

    table: pd.DataFrame
    signatures: dict[str, str] = field(default_factory=dict)
    n_samples: int = 1000

    @property
    def min_p_value(self) -> float:
        """The smallest p-value ``n_samples`` resamples can give, ``1 / (n_samples + 1)``: read it as "p ≤ this"."""
        return 1 / (self.n_samples + 1)

    def p_value(self, metric: str = "chrF") -> float:
        """The p-value of the system's difference to the baseline for ``metric`` (``"chrF"`` or ``"BLEU"``)."""
        return float(self.table.loc[metric, "p_value"].dropna().iloc[0])


def paired_bootstrap(
    baseline: Sequence[str],
    system: Sequence[str],
    references: Sequence[str | Sequence[str]],
    *,
    names: tuple[str, str] = ("baseline", "system"),
    n_samples: int = 1000,
) -> PairedBootstrap:
    """Paired bootstrap resampling (Koehn 2004) with ``sacrebleu.significance.PairedTest``.

    Both systems are scored on the *same* ``n_samples`` resamples of the sentences (seed from
    ``SACREBLEU_SEED``, default 12345). The p-value is ``(c + 1) / (n_samples + 1)``, where ``c``
    counts the resamples whose centred absolute difference exceeds the observed one: it estimates how
    often a difference this large would appear if the two systems were equally good (it is not the
    probability that the difference is due to chance), and it is never below ``1 / (n_samples + 1)``.
    """
    from sacrebleu.metrics import BLEU, CHRF
    from sacrebleu.significance import PairedTest

    base_hyps, streams = _prepared(baseline, references)
    sys_hyps = _texts(system, "system")
    if len(sys_hyps) != len(base_hyps):
        raise ValueError(f"두 시스템의 번역 수가 달라요: {len(base_hyps)} 대 {len(sys_hyps)}.")
    test = PairedTest([(names[0], base_hyps), (names[1], sys_hyps)], {"BLEU": BLEU(), "chrF": CHRF()}, streams,
                      test_type="bs", n_samples=n_samples)
    signatures, results = test()
    rows = []
    for metric in ("chrF", "BLEU"):
        key = next(k for k in results if k.startswith(metric[:4]) or k == metric)
        for name, result in zip(results["System"], results[key]):
            rows.append({"metric": metric, "system": name, "score": result.score, "mean": result.mean,
                         "low": result.mean - result.ci, "high": result.mean + result.ci, "p_value": result.p_value})
    table = pd.DataFrame(rows).set_index(["metric", "system"])
    return PairedBootstrap(table, {str(k): str(v) for k, v in signatures.items()}, n_samples=n_samples)


# ---------------------------------------------------------------------------------------------
# Checkpoint selection on validation chrF
# ---------------------------------------------------------------------------------------------


class ChrfCheckpoint(keras.callbacks.Callback):
    """Every ``every`` epochs (and after the last), score ``translate()`` against ``references`` by chrF.

    Keeps the weights of the best-scoring epoch and puts them back when training ends, like
    ``EarlyStopping(restore_best_weights=True)`` but on the metric we care about rather than on
    the validation loss. ``history`` lists ``(epoch, chrF)`` pairs (epochs counted from 1).
    """

    def __init__(self, translate: Callable[[], Sequence[str]], references: Sequence[str | Sequence[str]],
                 every: int = 2) -> None:
        super().__init__()
        if every < 1:
            raise ValueError(f"every 는 1 이상이어야 해요 (받은 값: {every}).")
        self.translate, self.references, self.every = translate, references, every
        self.history: list[tuple[int, float]] = []
        self.best_epoch, self.best_chrf = 0, -np.inf
        self._best_weights: list[np.ndarray] | None = None

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        done = epoch + 1
        if done % self.every and done != self.params.get("epochs"):
            return
        chrf = translation_scores(list(self.translate()), self.references).chrf
        self.history.append((done, chrf))
        if logs is not None:
            logs["val_chrf"] = chrf
        if chrf > self.best_chrf:
            self.best_epoch, self.best_chrf = done, chrf
            self._best_weights = self.model.get_weights()

    def on_train_end(self, logs: dict[str, float] | None = None) -> None:
        if self._best_weights is not None:
            self.model.set_weights(self._best_weights)
