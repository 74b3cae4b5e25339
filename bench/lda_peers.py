"""Peers and evaluator for bench/lda-peers.ts (run by it; not part of the product or the tests).

  python3 bench/lda_peers.py check
      prints the versions of scikit-learn and gensim, exits non-zero when a module is missing.
  python3 bench/lda_peers.py run --train T.tsv --heldout H.tsv --topics K --passes N --seed S --prior P
                                 --json OUT [--peers sklearn-online,sklearn-batch,gensim] [--phi NAME=FILE ...]
      fits the peers on the training corpus (doc<TAB>word<TAB>count), then scores every model's φ
      (the peers' and each --phi file's: word<TAB>P(word|topic 1)<TAB>...) with the same evaluator.

Held-out perplexity, the same for every model (document completion, Wallach et al. 2009): each held-out
document's tokens are split at random (seeded, binomial(count, 1/2) per entry) into an observed half
and an evaluation half; θ is fitted to the observed half by FOLD_IN_ITERATIONS EM iterations with φ
fixed (θ_k ∝ Σ_w n_w r_wk + prior, r_wk ∝ θ_k φ_kw, prior 1/K), and the perplexity is
exp(-Σ_w n_w log Σ_k θ_k φ_kw / Σ_w n_w) over the evaluation half. Tokens of words that are not in
the training vocabulary are dropped from both halves (the same for every model).
"""
import argparse
import json
import math
import sys
import time

FOLD_IN_ITERATIONS = 50


def check():
    missing = []
    for module in ("numpy", "scipy", "sklearn", "gensim"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        print(f"missing Python modules: {', '.join(missing)}", file=sys.stderr)
        sys.exit(1)
    import sklearn
    import gensim
    import numpy
    import scipy

    print(f"scikit-learn {sklearn.__version__}, gensim {gensim.__version__}, numpy {numpy.__version__}, scipy {scipy.__version__}, "
          f"Python {sys.version.split()[0]}")


def log(msg):
    print(f"[lda_peers] {msg}", file=sys.stderr, flush=True)


def read_tsv(path, vocab=None):
    """CSR matrix of a doc<TAB>word<TAB>count file sorted by doc. With `vocab` (word -> column) given,
    unknown words are dropped and their tokens counted; otherwise the vocabulary is the file's words, sorted."""
    import numpy as np
    import scipy.sparse as sp

    docs, words, counts = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d, w, c = line.rstrip("\n").split("\t")
            docs.append(d)
            words.append(w)
            counts.append(float(c))
    if vocab is None:
        vocab = {w: i for i, w in enumerate(sorted(set(words)))}
    doc_index = {}
    rows, cols, vals, oov = [], [], [], 0.0
    for d, w, c in zip(docs, words, counts):
        r = doc_index.setdefault(d, len(doc_index))
        col = vocab.get(w)
        if col is None:
            oov += c
            continue
        rows.append(r)
        cols.append(col)
        vals.append(c)
    x = sp.csr_matrix((np.array(vals), (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))),
                      shape=(len(doc_index), len(vocab)))
    x.sum_duplicates()
    return x, vocab, oov


def split_tokens(x, seed):
    """Observed and evaluation halves of each document's tokens (binomial per entry, seeded)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    observed = x.copy()
    observed.data = rng.binomial(x.data.astype(np.int64), 0.5).astype(np.float64)
    evaluation = x.copy()
    evaluation.data = x.data - observed.data
    observed.eliminate_zeros()
    evaluation.eliminate_zeros()
    return observed, evaluation


def perplexity(phi, observed, evaluation, prior):
    """Document-completion perplexity of topic-word matrix phi (K x W, rows summing to 1)."""
    import numpy as np
    import scipy.sparse as sp

    phi = np.asarray(phi, dtype=np.float64)
    phi = phi / phi.sum(axis=1, keepdims=True)
    phi_t = np.ascontiguousarray(phi.T)  # W x K
    d, k = observed.shape[0], phi.shape[0]
    rows = np.repeat(np.arange(d), np.diff(observed.indptr))
    theta = np.full((d, k), 1.0 / k)
    for _ in range(FOLD_IN_ITERATIONS):
        p = np.einsum("ij,ij->i", theta[rows], phi_t[observed.indices])
        ratio = sp.csr_matrix((observed.data / np.maximum(p, 1e-300), observed.indices, observed.indptr), shape=observed.shape)
        theta = theta * (ratio @ phi_t) + prior
        theta /= theta.sum(axis=1, keepdims=True)
    ev_rows = np.repeat(np.arange(d), np.diff(evaluation.indptr))
    p = np.einsum("ij,ij->i", theta[ev_rows], phi_t[evaluation.indices])
    ll = float(np.sum(evaluation.data * np.log(np.maximum(p, 1e-300))))
    return math.exp(-ll / evaluation.data.sum())


def read_phi(path, vocab, k):
    """A word<TAB>p1..pK file as a K x W matrix in `vocab` order."""
    import numpy as np

    phi = np.zeros((k, len(vocab)))
    seen = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            col = vocab.get(fields[0])
            if col is None:
                raise SystemExit(f"{path}: word {fields[0]!r} is not in the training vocabulary")
            phi[:, col] = [float(v) for v in fields[1:]]
            seen += 1
    if seen != len(vocab):
        raise SystemExit(f"{path}: {seen} words, the training vocabulary has {len(vocab)}")
    return phi


def fit_sklearn(x, method, args, batch):
    from sklearn.decomposition import LatentDirichletAllocation

    lda = LatentDirichletAllocation(
        n_components=args.topics, doc_topic_prior=args.prior, topic_word_prior=args.prior,
        learning_method=method, max_iter=args.passes, batch_size=batch, total_samples=x.shape[0],
        evaluate_every=-1, n_jobs=2, random_state=args.seed)
    started = time.perf_counter()
    lda.fit(x)
    seconds = time.perf_counter() - started
    note = f"{method}, n_jobs 2, α = η = {args.prior:g}" + (f", batch {batch}" if method == "online" else "")
    return lda.components_, seconds, note


def fit_gensim(x, args, chunk):
    import logging
    import numpy as np
    from gensim.models import LdaMulticore

    logging.getLogger("gensim").setLevel(logging.WARNING)
    bow = [list(zip(x.indices[x.indptr[i]:x.indptr[i + 1]].tolist(), x.data[x.indptr[i]:x.indptr[i + 1]].tolist()))
           for i in range(x.shape[0])]
    id2word = {i: str(i) for i in range(x.shape[1])}
    started = time.perf_counter()
    lda = LdaMulticore(corpus=bow, id2word=id2word, num_topics=args.topics, workers=1, chunksize=chunk,
                       passes=args.passes, alpha=np.full(args.topics, args.prior), eta=args.prior,
                       eval_every=None, random_state=args.seed)
    seconds = time.perf_counter() - started
    note = f"LdaMulticore, workers 1, α = η = {args.prior:g}, chunk {chunk}"
    return lda.get_topics(), seconds, note


def run(args):
    import numpy as np

    started = time.perf_counter()
    x_train, vocab, _ = read_tsv(args.train)
    x_held, _, oov = read_tsv(args.heldout, vocab)
    observed, evaluation = split_tokens(x_held, args.seed)
    log(f"read {x_train.shape[0]} training and {x_held.shape[0]} held-out documents, {len(vocab)} words "
        f"in {time.perf_counter() - started:.1f} s")
    batch = math.ceil(x_train.shape[0] / 32)  # spot-ml's (and Spark's) online mini-batch: a 32nd of the corpus

    phis, peers = {}, []
    for name in [p for p in args.peers.split(",") if p]:
        log(f"fitting {name} ...")
        if name == "sklearn-online":
            phi, seconds, note = fit_sklearn(x_train, "online", args, batch)
        elif name == "sklearn-batch":
            phi, seconds, note = fit_sklearn(x_train, "batch", args, batch)
        elif name == "gensim":
            phi, seconds, note = fit_gensim(x_train, args, batch)
        else:
            raise SystemExit(f"unknown peer {name!r}")
        log(f"  {name}: {seconds:.1f} s ({seconds / args.passes:.2f} s per pass)")
        phis[name] = phi
        peers.append({"name": name, "passes": args.passes, "fitSeconds": seconds, "note": note})
    for spec in args.phi:
        name, path = spec.split("=", 1)
        phis[name] = read_phi(path, vocab, args.topics)

    scores = {}
    for name, phi in phis.items():
        started = time.perf_counter()
        scores[name] = perplexity(phi, observed, evaluation, 1.0 / args.topics)
        log(f"held-out perplexity {name}: {scores[name]:.3f} ({time.perf_counter() - started:.1f} s)")
    unigram = np.asarray(x_train.sum(axis=0)).reshape(1, -1) + 1.0  # one topic: word frequencies (add-one)
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump({
            "peers": peers,
            "perplexity": scores,
            "unigram_perplexity": perplexity(unigram, observed, evaluation, 1.0),
            "fold_in_iterations": FOLD_IN_ITERATIONS,
            "heldout": {"docs": int(x_held.shape[0]), "observed_tokens": float(observed.data.sum()),
                        "eval_tokens": float(evaluation.data.sum()), "oov_tokens": oov},
        }, f, indent=1)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "check":
        check()
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--train", required=True)
    parser.add_argument("--heldout", required=True)
    parser.add_argument("--topics", type=int, required=True)
    parser.add_argument("--passes", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--prior", type=float, required=True)
    parser.add_argument("--json", required=True)
    parser.add_argument("--peers", default="sklearn-online,sklearn-batch,gensim")
    parser.add_argument("--phi", action="append", default=[])
    run(parser.parse_args())


if __name__ == "__main__":
    main()
