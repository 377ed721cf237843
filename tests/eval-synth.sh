#!/bin/sh
# eval-synth.sh: score the default pack on the project's synthetic annotated
# corpus (corpora/synth) and fail below the thresholds.  The thresholds are
# the floor the default pack must keep; raise them as the pack improves,
# never lower them to pass.
PHISCRUB=${PHISCRUB:-./phiscrub}
srcdir=${srcdir:-.}
exec "$PHISCRUB" eval --min-recall "${MIN_RECALL:-0.97}" \
    --min-precision "${MIN_PRECISION:-0.95}" --max-leak "${MAX_LEAK:-0.03}" \
    "$srcdir/corpora/synth"
