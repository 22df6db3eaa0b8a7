"""Cost per call (issue 12, SPEC §9) against the built binary: a PRICES_FILE overrides the built-in
price of a model, each stored document's `cost` equals its usage times that price exactly, `/v1/chat`
returns the same cost, and `/v1/usage` sums (in total and by model) equal a pymongo aggregation
over the stored documents."""

import json
import os
import subprocess

import pytest
import requests

from conftest import free_port

# USD per 1M tokens; gpt-4o-mini also has a built-in price, which the file replaces.
PRICES = {"gpt-4o-mini": {"input": 3.0, "output": 7.5}, "gpt-4.1": {"input": 2.0, "output": 8.0}}


@pytest.fixture
def priced(start_service, double, tmp_path):
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps(PRICES))
    return start_service(PROVIDERS="openai", OPENAI_BASE_URL=f"{double.url}/v1", OPENAI_API_KEY="sk-double",
                         OPENAI_MODEL="gpt-4o-mini", PRICES_FILE=str(prices))


def test_cost_is_usage_times_the_price_file_and_usage_sums_match_mongodb(priced, double, database):
    double.script([{"kind": "success", "route": "openai", "text": "ok", "promptTokens": 1000 + i,
                    "completionTokens": 200 + 3 * i} for i in range(6)])
    answers = []
    for i in range(6):
        body = {"userId": f"payer-{i % 2}", "prompt": f"call {i}", "model": "gpt-4.1" if i % 3 == 0 else "gpt-4o-mini"}
        response = priced.chat(body)
        assert response.status_code == 200, response.text
        answers.append(response.json())

    for answer in answers:
        doc = database.interactions.find_one({"_id": answer["id"]})
        price = PRICES[doc["model"]]
        usage = doc["usage"]
        expected_input = usage["promptTokens"] * price["input"] / 1_000_000
        expected_output = usage["completionTokens"] * price["output"] / 1_000_000
        assert doc["cost"]["currency"] == "USD"
        assert doc["cost"]["input"] == pytest.approx(expected_input, rel=1e-12)
        assert doc["cost"]["output"] == pytest.approx(expected_output, rel=1e-12)
        assert doc["cost"]["total"] == pytest.approx(expected_input + expected_output, rel=1e-12)
        assert answer["cost"] == doc["cost"], "the caller is told what was stored"

    total = list(database.interactions.aggregate([{"$group": {"_id": None, "cost": {"$sum": "$cost.total"}}}]))[0]
    by_model = {g["_id"]: g["cost"] for g in database.interactions.aggregate(
        [{"$group": {"_id": "$model", "cost": {"$sum": "$cost.total"}}}])}
    usage = requests.get(f"{priced.url}/v1/usage", timeout=10).json()
    assert usage["totals"]["cost"] == pytest.approx(total["cost"], rel=1e-12)
    grouped = requests.get(f"{priced.url}/v1/usage", params={"groupBy": "model"}, timeout=10).json()
    assert {g["key"]: g["cost"] for g in grouped["groups"]} == pytest.approx(by_model, rel=1e-12)
    one_user = requests.get(f"{priced.url}/v1/usage", params={"userId": "payer-0"}, timeout=10).json()
    expected = sum(d["cost"]["total"] for d in database.interactions.find({"userId": "payer-0"}))
    assert one_user["totals"]["cost"] == pytest.approx(expected, rel=1e-12)


def test_a_malformed_prices_file_stops_start_up_naming_the_variable(binaries, tmp_path):
    bad = tmp_path / "prices.json"
    bad.write_text(json.dumps({"gpt-4o-mini": {"inptu": 1.0}}))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GEMINI_", "OLLAMA_", "OPENAI_", "PROVIDERS"))}
    env.update({"PRICES_FILE": str(bad), "PORT": str(free_port()), "SPOOL_DIR": str(tmp_path / "spool")})
    run = subprocess.run([str(binaries["service"])], env=env, capture_output=True, text=True, timeout=30)
    assert run.returncode == 1
    assert "PRICES_FILE" in run.stderr and "inptu" in run.stderr, run.stderr
