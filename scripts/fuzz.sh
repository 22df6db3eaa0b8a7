#!/usr/bin/env bash
# libFuzzer targets (issue 14): the write-ahead log's record reader, the BSON reader/scanner, the
# SSE parser, the NDJSON splitter, the request decoders' JSON path and the providers' JSON parser. Each target is the real
# source files of Sources/ compiled with `swiftc -sanitize=fuzzer,address` together with a small
# harness in Fuzz/<Target>/main.swift, in .build-fuzz/ (never the shared .build).
#
#   scripts/fuzz.sh            every target for 10 s each (what scripts/test.sh runs)
#   scripts/fuzz.sh 600        every target for 10 minutes each (the longer run)
#   scripts/fuzz.sh 600 BSONReader    one target
#
# Seeds: Fuzz/Corpus/<Target>/ (kept small, in the repository). New inputs go to
# .build-fuzz/corpus/<Target>/, crashes to .build-fuzz/artifacts/<Target>/ (the script fails then;
# turn each crash into a regression test before fixing it).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-10}"
ONLY="${2:-}"
OUT=.build-fuzz

sources_of() {
    case "$1" in
        WriteAheadLogReader)
            echo Sources/Persistence/Spool/SpoolFrame.swift Sources/Persistence/Spool/SpoolScan.swift \
                Sources/Persistence/Spool/CRC32C.swift ;;
        BSONReader)
            echo Sources/MongoDriver/BSON/BSONReader.swift Sources/MongoDriver/BSON/BSONScanner.swift \
                Sources/MongoDriver/BSON/BSONFields.swift Sources/MongoDriver/BSON/BSONValue.swift \
                Sources/MongoDriver/Errors/MongoError.swift ;;
        ServerSentEvents)
            echo Sources/Providers/Streaming/ServerSentEventParser.swift \
                Sources/Providers/Streaming/ServerSentEvent.swift Sources/Providers/Core/ProviderError.swift ;;
        NDJSONLines)
            echo Sources/Providers/Streaming/NDJSONLineSplitter.swift Sources/Providers/Core/ProviderError.swift ;;
        RequestJSON)
            # The scanner decodes escapes with Providers' table; here it is compiled in one module.
            echo Sources/ChatService/Controllers/StrictJSONScanner.swift \
                Sources/ChatService/Controllers/JSONRequestBody.swift Sources/Providers/Core/JSONValue.swift \
                Sources/Providers/Core/JSONValue+Escapes.swift Sources/Providers/Core/String+ValidUTF8.swift ;;
        ProviderJSON)
            echo Sources/Providers/Core/JSONValue.swift Sources/Providers/Core/JSONValue+Parsing.swift \
                Sources/Providers/Core/JSONValue+Parser.swift Sources/Providers/Core/JSONValue+ParserScalars.swift \
                Sources/Providers/Core/JSONValue+ParsingMode.swift Sources/Providers/Core/JSONValue+Escapes.swift \
                Sources/Providers/Core/String+ValidUTF8.swift ;;
    esac
}

TARGETS=(WriteAheadLogReader BSONReader ServerSentEvents NDJSONLines RequestJSON ProviderJSON)
[ -n "$ONLY" ] && TARGETS=("$ONLY")
mkdir -p "$OUT"
status=0
for target in "${TARGETS[@]}"; do
    binary="$OUT/fuzz-$target"
    rm -f "$binary"
    # shellcheck disable=SC2046
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name "Fuzz$target" \
        Fuzz/"$target"/main.swift $(sources_of "$target") -o "$binary" 2>&1 | grep -v "Cannot export local symbol" || true
    [ -x "$binary" ] || { echo "[fuzz] $target: build failed"; exit 1; }
    mkdir -p "$OUT/corpus/$target" "$OUT/artifacts/$target"
    echo "[fuzz] $target: ${SECONDS_EACH} s"
    if ! "$binary" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$OUT/artifacts/$target/" "$OUT/corpus/$target" "Fuzz/Corpus/$target" \
        >"$OUT/$target.log" 2>&1; then
        echo "[fuzz] $target FAILED: see $OUT/$target.log and $OUT/artifacts/$target/"
        tail -30 "$OUT/$target.log"
        status=1
    else
        grep -E "stat::number_of_executed_units|cov:" "$OUT/$target.log" | tail -2 | sed "s/^/[fuzz] $target: /"
    fi
done
exit $status
