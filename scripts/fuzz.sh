#!/bin/sh
# Runs the libFuzzer harnesses (docs/operations.md, "Fuzzing").
#
#   sh scripts/fuzz.sh check BIN...          each harness once over every file of
#                                            its committed corpus (a regression run)
#   sh scripts/fuzz.sh run SECONDS BIN...    each harness for SECONDS, one at a time
#
# A harness build/fuzz/bin/NAME reads tests/fuzz/corpus/NAME/ and, if present,
# the dictionary tests/fuzz/NAME.dict. `run` keeps what it learns in
# build/fuzz/corpus/NAME/ (the committed corpus is only read) and writes a
# crashing input to build/fuzz/crashes/NAME-crash-…. Both modes go through
# every harness and fail at the end if any failed.
set -u
mode=${1:?usage: fuzz.sh check BIN... | fuzz.sh run SECONDS BIN...}
shift
if [ "$mode" = run ]; then
    seconds=${1:?fuzz.sh run: SECONDS missing}
    shift
fi
mkdir -p build/fuzz
# UBSan reports carry a stack, as ASan's do.
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export UBSAN_OPTIONS
failed=""
for bin in "$@"; do
    name=$(basename "$bin")
    seeds=tests/fuzz/corpus/$name
    if [ ! -d "$seeds" ] || [ -z "$(ls -A "$seeds")" ]; then
        echo "fuzz: $seeds is missing or empty" >&2
        failed="$failed $name"
        continue
    fi
    dict=""
    [ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
    case $mode in
    check)
        n=$(ls "$seeds" | wc -l)
        # Named files are run once each, whether or not they add coverage.
        if "$bin" -timeout=20 "$seeds"/* >"build/fuzz/$name.check.log" 2>&1; then
            echo "fuzz: $name: $n corpus inputs, no failure"
        else
            echo "fuzz: $name FAILED on its corpus (build/fuzz/$name.check.log):" >&2
            tail -n 40 "build/fuzz/$name.check.log" >&2
            failed="$failed $name"
        fi
        ;;
    run)
        mkdir -p "build/fuzz/corpus/$name" build/fuzz/crashes
        echo "fuzz: $name for ${seconds}s"
        # -detect_leaks=0: the harnesses keep an application (caches, a
        # growing database) across inputs, so libFuzzer would run a full leak
        # scan after nearly every input, at a sixth of the speed. LeakSanitizer
        # still checks at exit, and a leak reported there fails the run.
        # shellcheck disable=SC2086 # $dict is one optional word
        if "$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -detect_leaks=0 -print_final_stats=1 $dict \
            -artifact_prefix="build/fuzz/crashes/$name-" "build/fuzz/corpus/$name" "$seeds" \
            >"build/fuzz/$name.log" 2>&1; then
            grep -E '^#[0-9]+.*(DONE|pulse)' "build/fuzz/$name.log" | tail -n 1
            grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
                "build/fuzz/$name.log" | tr '\n' ' '
            echo
        else
            echo "fuzz: $name FAILED (build/fuzz/$name.log):" >&2
            grep -E -A 30 '^==[0-9]+==ERROR|runtime error|fuzz_|fixture:' "build/fuzz/$name.log" | head -n 60 >&2
            ls build/fuzz/crashes/"$name"-* 2>/dev/null >&2
            failed="$failed $name"
        fi
        ;;
    *)
        echo "fuzz: unknown mode $mode" >&2
        exit 2
        ;;
    esac
done
if [ -n "$failed" ]; then
    echo "fuzz: failed:$failed" >&2
    exit 1
fi
