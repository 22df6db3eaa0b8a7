"""The instant upstream of the benchmark (issue 10): nginx answering every route the measured
targets call with a fixed body in the provider's wire format (/work/shared/protocols.md):

  POST /api/chat                      Ollama chat answer (non-streaming)        -> chat-service PROVIDERS=ollama
  GET  /api/tags                      Ollama model list (the service's catalog)
  POST /v1/chat/completions           OpenAI chat.completion                    -> LiteLLM (openai/gpt-4o-mini)
  GET  /v1/models                     OpenAI model list
  POST /sse/v1/chat/completions       OpenAI SSE stream (role chunk, 2 content chunks, stop, [DONE])
  GET  /sse/v1/models                 the same model list               -> chat-service PROVIDERS=openai (streaming)

`return 200 '<body>'` answers any method without reading a file, keep-alive without a request cap
(keepalive_requests 10^6), no access log: ~40k requests/s on these two cores, so it is never the
bottleneck. The bodies are the provider double's (Tests/provider-double) answers, byte for byte
the same shapes.

  up = Upstream(port, workdir); up.start(); ...; up.stop()
"""

import os
import shutil
import signal
import subprocess
import time
import urllib.request

OLLAMA_CHAT = ('{"model":"llama3.2","created_at":"2026-12-01T00:00:00Z","message":{"role":"assistant",'
               '"content":"Echo: What is SSE?"},"done":true,"done_reason":"stop","total_duration":812000000,'
               '"load_duration":2100000,"prompt_eval_count":3,"prompt_eval_duration":40000000,"eval_count":4,'
               '"eval_duration":60000000}')
OLLAMA_TAGS = ('{"models":[{"name":"llama3.2","model":"llama3.2","modified_at":"2026-01-02T10:00:00.837530123+01:00",'
               '"size":2019393189,"digest":"a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",'
               '"details":{"parent_model":"","format":"gguf","family":"llama","families":["llama"],'
               '"parameter_size":"3.2B","quantization_level":"Q4_K_M"}}]}')
OPENAI_CHAT = ('{"id":"chatcmpl-bench","object":"chat.completion","created":1767348000,"model":"gpt-4o-mini",'
               '"system_fingerprint":"fp_bench","choices":[{"index":0,"message":{"role":"assistant",'
               '"content":"Echo: What is SSE?","refusal":null},"logprobs":null,"finish_reason":"stop"}],'
               '"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}')
OPENAI_MODELS = '{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1767348000,"owned_by":"library"}]}'


def _chunk(delta, finish="null"):
    return ('data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1767348000,'
            '"model":"gpt-4o-mini","choices":[{"index":0,"delta":%s,"finish_reason":%s}]}\\n\\n' % (delta, finish))


OPENAI_SSE = (_chunk('{"role":"assistant","content":""}') + _chunk('{"content":"Echo:"}') +
              _chunk('{"content":" hi"}') + _chunk("{}", '"stop"') + "data: [DONE]\\n\\n")


def config(port, work):
    def loc(path, ctype, body):
        return f"        location = {path} {{ default_type {ctype}; return 200 '{body}'; }}\n"
    return (
        "worker_processes 2;\n"
        f"pid {work}/nginx.pid;\n"
        f"error_log {work}/nginx-error.log warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n"
        "    access_log off;\n"
        "    keepalive_requests 1000000;\n"
        "    keepalive_timeout 300s;\n"
        "    client_body_buffer_size 64k;\n"
        f"    client_body_temp_path {work}/body;\n"
        f"    proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fastcgi; uwsgi_temp_path {work}/uwsgi;"
        f" scgi_temp_path {work}/scgi;\n"
        f"    server {{\n        listen 127.0.0.1:{port};\n"
        + loc("/api/chat", "application/json", OLLAMA_CHAT)
        + loc("/api/tags", "application/json", OLLAMA_TAGS)
        + loc("/v1/chat/completions", "application/json", OPENAI_CHAT)
        + loc("/v1/models", "application/json", OPENAI_MODELS)
        + loc("/sse/v1/chat/completions", "text/event-stream", OPENAI_SSE)
        + loc("/sse/v1/models", "application/json", OPENAI_MODELS)
        + "        location / { return 404; }\n    }\n}\n")


def ensure_installed():
    if shutil.which("nginx") or os.path.exists("/usr/sbin/nginx"):
        return
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True,
                   env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"), stdout=subprocess.DEVNULL)


class Upstream:
    def __init__(self, port, work):
        self.port = port
        self.work = os.path.join(work, "nginx")
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        ensure_installed()
        os.makedirs(self.work, exist_ok=True)
        conf = os.path.join(self.work, "nginx.conf")
        with open(conf, "w") as f:
            f.write(config(self.port, self.work))
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.proc = subprocess.Popen([binary, "-p", self.work, "-c", conf, "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.work, "stderr.log"), "w"))
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "/v1/models", timeout=1).read()
                return self
            except Exception:
                if self.proc.poll() is not None:
                    raise RuntimeError("nginx exited: " + open(os.path.join(self.work, "stderr.log")).read())
                time.sleep(0.05)
        raise RuntimeError("nginx did not answer")

    def pids(self):
        """The master and its workers (the workers do the work)."""
        pids = [self.proc.pid]
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
                pids += [int(p) for p in f.read().split()]
        except OSError:
            pass
        return pids

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
