#!/usr/bin/env node
// Loads a GGUF file in real llama.cpp (prebuilt CPU binaries shipped by node-llama-cpp) and answers one request.
//
//   node scripts/llama-cpp/run.mjs < request.json > result.json
//
// Request (stdin, one JSON object):
//   {
//     "model": "/abs/path/model.gguf",          required
//     "threads": 1,                              optional, default 1
//     "check_tensors": true,                     optional, default true: llama.cpp validates tensor data (NaN/Inf, ...)
//     "vocab_only": false,                       optional: load the vocabulary and hyperparameters only (a GGUF without
//                                                tensors will do); tokenize only, no logits or bench
//     "tokenize": ["text", {"text": "x", "add_special": false, "parse_special": true}, ...],
//                                                optional; a plain string means add_special=true, parse_special=false
//     "logits": [{"tokens": [1, 2, 3], "positions": [0, 2], "encoding": "json" | "f32-base64"}, ...],
//                                                optional; positions default to all, encoding defaults to json
//     "bench": {"tokens": [1, 2, 3], "new_tokens": 16},
//                                                optional: time prefill of the tokens and greedy decoding of new_tokens
//     "full_metadata": false,                    optional: return long metadata arrays in full
//     "timeout_ms": 0                            optional: the worker is killed after this long (0 = never)
//   }
// Result (stdout, one JSON object): see docs/llama-cpp-harness.md.
//
// The work happens in a child process (this file with --worker) whose stdout and stderr carry llama.cpp's log:
// llama.cpp aborts the whole process on some malformed files, and only its log says why. The worker runs
// node-llama-cpp in debug mode, in which the addon writes llama.cpp's log straight to the file descriptors
// (synchronously, flushed) instead of queueing it for a JavaScript logger, so nothing is lost on an abort.
// This parent collects that log, echoes it to its own stderr, and reports the worker's result or failure.
// Exit status: 0 on success; otherwise the worker's exit code, or 128 + signal number (SIGABRT -> 134).

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const thisFile = fileURLToPath(import.meta.url);

if (process.argv[2] === "--worker")
    await worker(process.argv[3], process.argv[4]);
else
    await parent();

async function readStdin() {
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(chunk);
    return Buffer.concat(chunks).toString("utf8");
}

function writeStdoutAndExit(obj, code) {
    const text = JSON.stringify(obj) + "\n";
    process.stdout.write(text, () => process.exit(code));
}

async function parent() {
    let request;
    try {
        request = JSON.parse(await readStdin());
    } catch (err) {
        process.stderr.write(`run.mjs: the request on stdin is not JSON: ${err.message}\n`);
        return writeStdoutAndExit({ error: `request is not JSON: ${err.message}`, log: "" }, 2);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llama-cpp-harness-"));
    const requestFile = path.join(dir, "request.json");
    const resultFile = path.join(dir, "result.json");
    fs.writeFileSync(requestFile, JSON.stringify(request));

    const logChunks = [];
    const child = spawn(process.execPath, [thisFile, "--worker", requestFile, resultFile], {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, NODE_LLAMA_CPP_SKIP_DOWNLOAD: "true" }
    });
    const onData = (chunk) => {
        logChunks.push(chunk);
        process.stderr.write(chunk);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);

    let timedOut = false;
    const timeoutMs = Number(request?.timeout_ms ?? 0);
    const timer = timeoutMs > 0
        ? setTimeout(() => { timedOut = true; child.kill("SIGKILL"); }, timeoutMs)
        : null;

    const [code, signal] = await new Promise((resolve) => child.on("close", (c, s) => resolve([c, s])));
    if (timer) clearTimeout(timer);
    const log = Buffer.concat(logChunks).toString("utf8");

    let result = null;
    try {
        if (fs.existsSync(resultFile)) result = JSON.parse(fs.readFileSync(resultFile, "utf8"));
    } catch (err) {
        result = { error: `worker result unreadable: ${err.message}` };
    }
    fs.rmSync(dir, { recursive: true, force: true });

    if (code === 0 && result != null && result.error == null)
        return writeStdoutAndExit(result, 0);

    const exitCode = signal != null
        ? 128 + (os.constants.signals[signal] ?? 0)
        : (code === 0 ? 1 : code);
    const error = timedOut
        ? `llama.cpp worker timed out after ${timeoutMs} ms and was killed`
        : signal != null
            ? `llama.cpp worker was killed by ${signal} (exit code ${exitCode}); llama.cpp aborts on some malformed files, see the log`
            : (result?.error ?? `llama.cpp worker exited with code ${code} without a result`);
    // The lines of llama.cpp's log that say what went wrong, so that the error message alone is useful.
    const diagnosis = log.split("\n")
        .filter((line) => /error|failed|abort|assert|invalid|corrupt|must be|not within/i.test(line) && !line.startsWith("run.mjs:") && !/^\s+at /.test(line))
        .slice(-8);
    const message = diagnosis.length > 0 ? `${error}\nllama.cpp log:\n${diagnosis.join("\n")}` : error;
    process.stderr.write(`\nrun.mjs: ${message}\n`);
    writeStdoutAndExit({ ...(result ?? {}), error: message, exit_code: exitCode, signal: signal ?? null, log }, exitCode);
}

// ---------------------------------------------------------------------------------------------------------------
// Worker: never touch process.stdout / console here (node would make fd 1 non-blocking under llama.cpp's writes).

function note(message) {
    fs.writeSync(2, `run.mjs: ${message}\n`);
}

function finish(resultFile, obj, code) {
    fs.writeFileSync(resultFile, JSON.stringify(obj, (key, value) => typeof value === "bigint" ? Number(value) : value));
    process.exit(code);
}

function encodeFloat(x) {
    // JSON has no NaN/Infinity; .NET's JsonNumberHandling.AllowNamedFloatingPointLiterals reads these strings.
    if (Number.isFinite(x)) return x;
    return Number.isNaN(x) ? "NaN" : (x > 0 ? "Infinity" : "-Infinity");
}

function summarizeMetadata(value, full) {
    if (Array.isArray(value)) {
        if (!full && value.length > 64)
            return { array_length: value.length, head: value.slice(0, 8).map((v) => summarizeMetadata(v, full)) };
        return value.map((v) => summarizeMetadata(v, full));
    }
    if (typeof value === "bigint") return Number(value);
    if (typeof value === "number") return encodeFloat(value);
    if (value != null && typeof value === "object") {
        const out = {};
        for (const [k, v] of Object.entries(value)) out[k] = summarizeMetadata(v, full);
        return out;
    }
    return value;
}

async function worker(requestFile, resultFile) {
    const request = JSON.parse(fs.readFileSync(requestFile, "utf8"));
    const started = Date.now();
    let stage = "starting";
    try {
        if (typeof request.model !== "string" || request.model === "")
            throw new Error("request.model (path of a .gguf file) is required");
        const modelPath = path.resolve(request.model);
        if (!fs.existsSync(modelPath))
            throw new Error(`model file not found: ${modelPath}`);
        const threads = Math.max(1, Number(request.threads ?? 1));

        stage = "loading llama.cpp";
        const { getLlama } = await import("node-llama-cpp");
        const llama = await getLlama({
            gpu: false,
            build: "never",           // never compile, never download: only the prebuilt binaries from npm
            usePrebuiltBinaries: true,
            skipDownload: true,
            progressLogs: false,
            debug: true,              // llama.cpp's log goes straight to stdout/stderr (see the header comment)
            maxThreads: threads
        });
        const pkg = JSON.parse(fs.readFileSync(new URL("./node_modules/node-llama-cpp/package.json", import.meta.url), "utf8"));
        const info = {
            node_llama_cpp_version: pkg.version,
            llama_cpp_release: llama.llamaCppRelease?.release ?? null,
            build_type: llama.buildType,
            gpu: llama.gpu,
            cpu_math_cores: llama.cpuMathCores
        };
        note(`node-llama-cpp ${info.node_llama_cpp_version}, llama.cpp ${info.llama_cpp_release}, build ${info.build_type}, gpu ${info.gpu}`);

        stage = "loading the model";
        let model;
        try {
            model = await llama.loadModel({
                modelPath,
                gpuLayers: 0,
                useMmap: true,
                checkTensors: request.check_tensors ?? true,
                vocabOnly: request.vocab_only === true
            });
        } catch (err) {
            if (err?.message === "Failed to load model") throw new Error("llama.cpp failed to load the model (see the log)");
            // node-llama-cpp parses the GGUF header in JavaScript before llama.cpp sees the file; when that parser
            // (or llama.cpp) refuses the file, load it with llama.cpp directly so that llama.cpp's own diagnosis
            // is in the log.
            note(`loadModel failed: ${err?.message ?? err}; loading with llama.cpp directly for its diagnosis`);
            let direct = null;
            try {
                const raw = new llama._bindings.AddonModel(modelPath, { gpuLayers: 0, useMmap: true, checkTensors: request.check_tensors ?? true });
                direct = await raw.init();
                if (direct) await raw.dispose();
            } catch (err2) {
                note(`direct llama.cpp load threw: ${err2?.message ?? err2}`);
            }
            const verdict = direct
                ? "llama.cpp itself loaded the file; only node-llama-cpp's GGUF parser refused it"
                : "llama.cpp failed to load the model (see the log)";
            throw new Error(`${err?.message ?? err} [${verdict}]`);
        }

        const result = {
            info,
            vocab_size: null,
            model_info: {
                description: model.typeDescription,
                size: model.size,
                train_context_size: model.trainContextSize,
                embedding_size: model.embeddingVectorSize,
                vocabulary_type: model.vocabularyType,
                bos: model.tokens.bos,
                eos: model.tokens.eos,
                add_bos: model.tokens.shouldPrependBosToken,
                add_eos: model.tokens.shouldAppendEosToken
            },
            metadata: summarizeMetadata(model.fileInfo.metadata, request.full_metadata === true)
        };
        result.vocab_size = model.fileInfo.metadata?.tokenizer?.ggml?.tokens?.length ?? null;

        stage = "tokenizing";
        if (Array.isArray(request.tokenize)) {
            result.tokenize = request.tokenize.map((item) => {
                const spec = typeof item === "string" ? { text: item } : item;
                const addSpecial = spec.add_special ?? true;
                const parseSpecial = spec.parse_special ?? false;
                // The addon calls common_tokenize(vocab, text, add_special=false, parse_special); llama_tokenize with
                // add_special=true adds exactly BOS in front when llama_vocab_get_add_bos and EOS at the end when
                // llama_vocab_get_add_eos (SPM/BPE/UGM vocabularies), which is what happens here.
                const ids = Array.from(model._model.tokenize(String(spec.text), parseSpecial));
                if (addSpecial && result.model_info.add_bos && model.tokens.bos != null) ids.unshift(model.tokens.bos);
                if (addSpecial && result.model_info.add_eos && model.tokens.eos != null) ids.push(model.tokens.eos);
                return ids;
            });
        }

        if (Array.isArray(request.logits) && request.logits.length > 0) {
            stage = "creating a context";
            // +1: see the trailing token below.
            const longest = Math.max(...request.logits.map((r) => r.tokens.length)) + 1;
            const context = await model.createContext({
                contextSize: Math.max(longest, 16),
                batchSize: Math.max(longest, 1),
                sequences: 1,
                threads: { ideal: threads, min: threads },
                flashAttention: false,
                experimentalKvCacheKeyType: "F32",
                experimentalKvCacheValueType: "F32",
                ignoreMemorySafetyChecks: true
            });
            result.context = { context_size: context.contextSize, batch_size: context.batchSize, kv_cache_type: "F32", flash_attention: false };
            const sequence = context.getSequence();
            stage = "evaluating";
            result.logits = [];
            for (const req of request.logits) {
                const tokens = req.tokens;
                if (!Array.isArray(tokens) || tokens.length === 0) throw new Error("logits request needs a non-empty tokens array");
                const wanted = new Set(req.positions ?? tokens.map((_, i) => i));
                await sequence.clearHistory();
                // The logits node-llama-cpp reports for the LAST token of an evaluation differ from llama.cpp's raw
                // ones (seen here: every earlier position matches a PyTorch forward to 1e-7, the last is off by
                // ~0.1), so one more token is evaluated after the last requested one and its output is ignored.
                // Attention is causal: the extra token changes nothing before it.
                const outputs = await sequence.controlledEvaluate([...tokens.map((t, i) => wanted.has(i)
                    ? [t, { generateNext: { logits: true } }]
                    : t), tokens[tokens.length - 1]]);
                const rows = [];
                for (let i = 0; i < tokens.length; i++) {
                    if (!wanted.has(i)) continue;
                    const map = outputs[i]?.next?.logits;
                    if (map == null) throw new Error(`no logits came back for position ${i}`);
                    const row = new Float32Array(map.size);
                    for (const [token, value] of map) row[token] = value;
                    if (result.vocab_size == null) result.vocab_size = map.size;
                    else if (result.vocab_size !== map.size)
                        note(`warning: logits have ${map.size} entries but the vocabulary has ${result.vocab_size} tokens`);
                    rows.push(req.encoding === "f32-base64"
                        ? Buffer.from(row.buffer).toString("base64")
                        : Array.from(row, encodeFloat));
                }
                result.logits.push(rows);
            }
            await context.dispose();
        }

        if (request.bench) {
            // Speed of plain greedy decoding, for scripts/bench/runtime: the prompt is evaluated in one batch (prefill),
            // then tokens are generated one by one; the time to the first generated token is prefill plus one step.
            stage = "benchmarking";
            const tokens = request.bench.tokens;
            const newTokens = request.bench.new_tokens ?? 16;
            const context = await model.createContext({
                contextSize: Math.max(tokens.length + newTokens + 1, 16),
                batchSize: Math.max(tokens.length, 1),
                sequences: 1,
                threads: { ideal: threads, min: threads },
                flashAttention: false
            });
            const sequence = context.getSequence();
            const t0 = process.hrtime.bigint();
            let first = null;
            const generated = [];
            for await (const token of sequence.evaluate(tokens, { temperature: 0 })) {
                if (first == null) first = process.hrtime.bigint();
                generated.push(token);
                if (generated.length >= newTokens) break;
            }
            const t1 = process.hrtime.bigint();
            const prefill = Number(first - t0) / 1e9;
            const decode = Number(t1 - first) / 1e9;
            result.bench = {
                prompt_tokens: tokens.length, generated: generated.length, threads,
                prefill_seconds: prefill, decode_seconds: decode,
                prefill_tokens_per_second: tokens.length / prefill,
                decode_tokens_per_second: generated.length > 1 ? (generated.length - 1) / decode : null
            };
            await context.dispose();
        }

        result.elapsed_ms = Date.now() - started;
        await model.dispose();
        await llama.dispose();
        finish(resultFile, result, 0);
    } catch (err) {
        note(`failed while ${stage}: ${err?.stack ?? err}`);
        finish(resultFile, { error: `${stage}: ${err?.message ?? err}`, stage }, 1);
    }
}
