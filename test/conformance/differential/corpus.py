"""The request corpus replayed against MLflow's server and ours, in order, on fresh stores.

Each case is a dict:
  name      unique id, used by the report and allowlist.json
  method    HTTP method; path: URL path (may hold {{var}} references)
  query     GET query parameters (a list value repeats the parameter)
  json      a JSON body (sent with Content-Type: application/json), or
  body      a raw body string (with `headers` as given; used for malformed requests)
  capture   {var: dotted.path} read from this case's response; later cases use {{var}}. Captured
            strings (run ids, generated run names, page tokens) are masked as <var> in every later
            response of the same server, so references stay comparable across servers.
  sort      extra dotted paths (lists written `a.b`) whose order MLflow does not define
  mask      dotted paths (`[]` = every list item) whose value is replaced before comparing
  profile   "core" (default) or "workspaces": which MLflow server configuration the case runs against
            (PROFILES below); each profile replays on its own fresh pair of servers
Experiment ids are compared as they are: both stores start empty and number experiments alike.
"""

from __future__ import annotations

API = "/api/2.0/mlflow"
T0 = 1_700_000_000_000  # fixed client timestamps: compared as is (server-made ones are masked)

# MLflow server flags per profile.
PROFILES = {"core": [], "workspaces": ["--enable-workspaces"]}

_cases: list[dict] = []


def _add(case: dict) -> dict:
    _cases.append(case)
    return case


def post(name, path, body, capture=None, **kw):
    case = {"name": name, "method": "POST", "path": API + path, "json": body, **kw}
    if capture:
        case["capture"] = capture
    return _add(case)


def get(name, path, query=None, capture=None, **kw):
    case = {"name": name, "method": "GET", "path": API + path, **kw}
    if query is not None:
        case["query"] = query
    if capture:
        case["capture"] = capture
    return _add(case)


def raw(name, method, path, body=None, headers=None, **kw):
    case = {"name": name, "method": method, "path": path, **kw}
    if body is not None:
        case["body"] = body
    if headers:
        case["headers"] = headers
    return _add(case)


def search_runs(name, exps=("{{exp_s}}",), capture=None, **body):
    return post(name, "/runs/search", {"experiment_ids": list(exps), **body}, capture=capture)


def metric(key, value, step=0, ts=T0):
    return {"key": key, "value": value, "timestamp": ts, "step": step}


def kv(key, value):
    return {"key": key, "value": value}


# ============================================================================================
# Experiments


def experiments() -> None:
    post("exp.create.basic", "/experiments/create", {"name": "diff-exp-a"}, {"exp_a": "experiment_id"})
    post(
        "exp.create.with_tags",
        "/experiments/create",
        {"name": "diff-exp-b", "tags": [kv("team", "vision"), kv("priority", "1")]},
        {"exp_b": "experiment_id"},
    )
    post(
        "exp.create.with_artifact_location",
        "/experiments/create",
        {"name": "diff-exp-c", "artifact_location": "mlflow-artifacts:/custom/place"},
        {"exp_c": "experiment_id"},
    )
    post("exp.create.unicode_name", "/experiments/create", {"name": "diff-exp-ünï 🚀"}, {"exp_u": "experiment_id"})
    post("exp.create.duplicate", "/experiments/create", {"name": "diff-exp-a"})
    post("exp.create.missing_name", "/experiments/create", {})
    post("exp.create.empty_name", "/experiments/create", {"name": ""})
    post("exp.create.name_wrong_type", "/experiments/create", {"name": 5})
    post("exp.create.name_too_long", "/experiments/create", {"name": "x" * 501})
    post("exp.create.tags_wrong_type", "/experiments/create", {"name": "diff-bad-tags", "tags": "nope"})
    post(
        "exp.create.tag_missing_key",
        "/experiments/create",
        {"name": "diff-bad-tag-key", "tags": [{"value": "v"}]},
    )
    post(
        "exp.create.artifact_location_with_query",
        "/experiments/create",
        {"name": "diff-bad-loc", "artifact_location": "s3://bucket/path?x=1"},
    )
    post(
        "exp.create.artifact_location_dotdot",
        "/experiments/create",
        {"name": "diff-bad-loc2", "artifact_location": "mlflow-artifacts:/a/../../b"},
    )

    get("exp.get.by_id", "/experiments/get", {"experiment_id": "{{exp_a}}"})
    get("exp.get.with_tags", "/experiments/get", {"experiment_id": "{{exp_b}}"})
    get("exp.get.custom_artifact_location", "/experiments/get", {"experiment_id": "{{exp_c}}"})
    get("exp.get.default", "/experiments/get", {"experiment_id": "0"})
    get("exp.get.unknown_id", "/experiments/get", {"experiment_id": "987654"})
    get("exp.get.non_numeric_id", "/experiments/get", {"experiment_id": "abc"})
    get("exp.get.missing_param", "/experiments/get", {})
    get("exp.get.leading_zeros", "/experiments/get", {"experiment_id": "0001"})
    get("exp.get.negative_id", "/experiments/get", {"experiment_id": "-1"})
    get("exp.get_by_name.ok", "/experiments/get-by-name", {"experiment_name": "diff-exp-b"})
    get("exp.get_by_name.unicode", "/experiments/get-by-name", {"experiment_name": "diff-exp-ünï 🚀"})
    get("exp.get_by_name.default", "/experiments/get-by-name", {"experiment_name": "Default"})
    get("exp.get_by_name.unknown", "/experiments/get-by-name", {"experiment_name": "no-such-exp"})
    get("exp.get_by_name.missing_param", "/experiments/get-by-name", {})

    post("exp.update.rename", "/experiments/update", {"experiment_id": "{{exp_c}}", "new_name": "diff-exp-c-renamed"})
    get("exp.update.rename.check", "/experiments/get", {"experiment_id": "{{exp_c}}"})
    get("exp.update.rename.old_name_gone", "/experiments/get-by-name", {"experiment_name": "diff-exp-c"})
    post("exp.update.rename_to_existing", "/experiments/update", {"experiment_id": "{{exp_c}}", "new_name": "diff-exp-a"})
    post("exp.update.empty_new_name", "/experiments/update", {"experiment_id": "{{exp_c}}", "new_name": ""})
    post("exp.update.no_new_name", "/experiments/update", {"experiment_id": "{{exp_c}}"})
    post("exp.update.missing_id", "/experiments/update", {"new_name": "zzz"})
    post("exp.update.unknown_id", "/experiments/update", {"experiment_id": "987654", "new_name": "zzz"})

    post("exp.set_tag.ok", "/experiments/set-experiment-tag", {"experiment_id": "{{exp_a}}", "key": "k1", "value": "v1"})
    post("exp.set_tag.overwrite", "/experiments/set-experiment-tag", {"experiment_id": "{{exp_a}}", "key": "k1", "value": "v2"})
    post("exp.set_tag.second", "/experiments/set-experiment-tag", {"experiment_id": "{{exp_a}}", "key": "k2", "value": ""})
    post("exp.set_tag.missing_key", "/experiments/set-experiment-tag", {"experiment_id": "{{exp_a}}", "value": "v"})
    post("exp.set_tag.missing_value", "/experiments/set-experiment-tag", {"experiment_id": "{{exp_a}}", "key": "k3"})
    post("exp.set_tag.invalid_key", "/experiments/set-experiment-tag", {"experiment_id": "{{exp_a}}", "key": "bad!key", "value": "v"})
    post("exp.set_tag.key_too_long", "/experiments/set-experiment-tag", {"experiment_id": "{{exp_a}}", "key": "k" * 251, "value": "v"})
    post("exp.set_tag.value_too_long", "/experiments/set-experiment-tag", {"experiment_id": "{{exp_a}}", "key": "big", "value": "v" * 20001})
    post("exp.set_tag.unknown_experiment", "/experiments/set-experiment-tag", {"experiment_id": "987654", "key": "k", "value": "v"})
    post("exp.delete_tag.ok", "/experiments/delete-experiment-tag", {"experiment_id": "{{exp_a}}", "key": "k2"})
    post("exp.delete_tag.unknown_key", "/experiments/delete-experiment-tag", {"experiment_id": "{{exp_a}}", "key": "nope"})
    post("exp.delete_tag.missing_key", "/experiments/delete-experiment-tag", {"experiment_id": "{{exp_a}}"})
    get("exp.get.after_tags", "/experiments/get", {"experiment_id": "{{exp_a}}"})

    post("exp.search.no_max_results", "/experiments/search", {})
    post("exp.search.all", "/experiments/search", {"max_results": 1000})
    post("exp.search.max_results", "/experiments/search", {"max_results": 2}, {"exp_tok": "next_page_token"})
    post("exp.search.page2", "/experiments/search", {"max_results": 2, "page_token": "{{exp_tok}}"}, {"exp_tok2": "next_page_token"})
    post("exp.search.page3", "/experiments/search", {"max_results": 2, "page_token": "{{exp_tok2}}"})
    post("exp.search.filter_name_like", "/experiments/search", {"max_results": 100, "filter": "name LIKE 'diff-exp-%'"})
    post("exp.search.filter_name_ilike", "/experiments/search", {"max_results": 100, "filter": "name ILIKE 'DIFF-EXP-_'"})
    post("exp.search.filter_name_eq", "/experiments/search", {"max_results": 100, "filter": "attribute.name = 'diff-exp-b'"})
    post("exp.search.filter_name_neq", "/experiments/search", {"max_results": 100, "filter": "name != 'Default'", "order_by": ["name"]})
    post("exp.search.filter_tag", "/experiments/search", {"max_results": 100, "filter": "tags.team = 'vision'"})
    post("exp.search.filter_tag_backticks", "/experiments/search", {"max_results": 100, "filter": "tags.`priority` = '1'"})
    post("exp.search.filter_tag_like", "/experiments/search", {"max_results": 100, "filter": "tag.team LIKE 'vis%'"})
    post("exp.search.filter_tag_and_name", "/experiments/search", {"max_results": 100, "filter": "tags.team = 'vision' AND name LIKE '%b'"})
    post("exp.search.filter_creation_time", "/experiments/search", {"max_results": 100, "filter": "creation_time > 0", "order_by": ["name ASC"]})
    post("exp.search.order_name_asc", "/experiments/search", {"max_results": 100, "order_by": ["name ASC"]})
    post("exp.search.order_name_desc", "/experiments/search", {"max_results": 100, "order_by": ["name DESC"]})
    post("exp.search.order_id", "/experiments/search", {"max_results": 100, "order_by": ["experiment_id ASC"]})
    post("exp.search.order_creation_time", "/experiments/search", {"max_results": 100, "order_by": ["creation_time DESC", "name"]})
    post("exp.search.order_last_update", "/experiments/search", {"max_results": 100, "order_by": ["last_update_time ASC", "experiment_id"]})
    post("exp.search.invalid_filter", "/experiments/search", {"max_results": 100, "filter": "name = "})
    post("exp.search.invalid_filter_entity", "/experiments/search", {"max_results": 100, "filter": "params.x = 'y'"})
    post("exp.search.invalid_order_by", "/experiments/search", {"max_results": 100, "order_by": ["foo ASC"]})
    post("exp.search.invalid_order_direction", "/experiments/search", {"max_results": 100, "order_by": ["name UP"]})
    post("exp.search.max_results_too_large", "/experiments/search", {"max_results": 50001})
    post("exp.search.max_results_zero", "/experiments/search", {"max_results": 0})
    post("exp.search.bad_page_token", "/experiments/search", {"max_results": 100, "page_token": "not-a-token"})
    post("exp.search.bad_view_type", "/experiments/search", {"max_results": 100, "view_type": "SOMETIMES"})
    get("exp.search.get_method", "/experiments/search", {"max_results": "3", "filter": "name LIKE 'diff%'", "order_by": "name DESC"})
    get("exp.search.get_view_type", "/experiments/search", {"view_type": "ALL", "max_results": "50"})
    post("exp.search.filter_tag_neq", "/experiments/search", {"max_results": 100, "filter": "tags.team != 'vision'"})
    post("exp.search.filter_name_in", "/experiments/search", {"max_results": 100, "filter": "name IN ('diff-exp-a', 'Default')"})
    post("exp.search.filter_last_update_time", "/experiments/search", {"max_results": 100, "filter": "last_update_time >= 0", "order_by": ["experiment_id DESC"]})
    post("exp.search.filter_lowercase_keywords", "/experiments/search", {"max_results": 100, "filter": "name like 'diff-exp-_' and tags.team ilike 'VIS%'"})
    post("exp.search.filter_trailing_and", "/experiments/search", {"max_results": 100, "filter": "name = 'Default' AND"})
    post("exp.search.order_backticks", "/experiments/search", {"max_results": 100, "order_by": ["`name` DESC"]})
    post("exp.search.order_tag", "/experiments/search", {"max_results": 100, "order_by": ["tags.team"]})

    post("exp.delete.ok", "/experiments/delete", {"experiment_id": "{{exp_b}}"})
    get("exp.delete.check", "/experiments/get", {"experiment_id": "{{exp_b}}"})
    get("exp.delete.get_by_name", "/experiments/get-by-name", {"experiment_name": "diff-exp-b"})
    post("exp.delete.again", "/experiments/delete", {"experiment_id": "{{exp_b}}"})
    post("exp.delete.unknown", "/experiments/delete", {"experiment_id": "987654"})
    post("exp.delete.missing_id", "/experiments/delete", {})
    post("exp.delete.default", "/experiments/delete", {"experiment_id": "0"})
    post("exp.restore.default", "/experiments/restore", {"experiment_id": "0"})
    post("exp.create.name_of_deleted", "/experiments/create", {"name": "diff-exp-b"})
    post("exp.update.rename_deleted", "/experiments/update", {"experiment_id": "{{exp_b}}", "new_name": "diff-exp-b2"})
    post("exp.search.deleted_only", "/experiments/search", {"max_results": 100, "view_type": "DELETED_ONLY"})
    post("exp.search.active_only", "/experiments/search", {"max_results": 100, "view_type": "ACTIVE_ONLY", "filter": "name LIKE 'diff-exp-%'"})
    post("exp.search.all_view", "/experiments/search", {"max_results": 100, "view_type": "ALL", "filter": "name LIKE 'diff-exp-%'"})
    post("exp.restore.ok", "/experiments/restore", {"experiment_id": "{{exp_b}}"})
    get("exp.restore.check", "/experiments/get", {"experiment_id": "{{exp_b}}"})
    post("exp.restore.active", "/experiments/restore", {"experiment_id": "{{exp_b}}"})
    post("exp.restore.unknown", "/experiments/restore", {"experiment_id": "987654"})
    post("exp.create.whitespace_name", "/experiments/create", {"name": "   "})
    post("exp.delete.for_tag_checks", "/experiments/delete", {"experiment_id": "{{exp_c}}"})
    post("exp.set_tag.on_deleted", "/experiments/set-experiment-tag", {"experiment_id": "{{exp_c}}", "key": "k", "value": "v"})
    post("exp.delete_tag.on_deleted", "/experiments/delete-experiment-tag", {"experiment_id": "{{exp_c}}", "key": "k"})
    post("exp.restore.after_tag_checks", "/experiments/restore", {"experiment_id": "{{exp_c}}"})


# ============================================================================================
# Runs: lifecycle, params, metrics, tags, inputs


def runs() -> None:
    post("runs.setup.experiment", "/experiments/create", {"name": "diff-runs"}, {"exp_r": "experiment_id"})
    post(
        "runs.create.named",
        "/runs/create",
        {
            "experiment_id": "{{exp_r}}",
            "run_name": "alpha",
            "start_time": T0,
            "user_id": "alice",
            "tags": [kv("stage", "train"), kv("mlflow.user", "alice")],
        },
        {"run_a": "run.info.run_id"},
    )
    post(
        "runs.create.unnamed",
        "/runs/create",
        {"experiment_id": "{{exp_r}}", "start_time": T0 + 1000},
        {"run_b": "run.info.run_id", "name_b": "run.info.run_name"},
    )
    post(
        "runs.create.name_from_tag",
        "/runs/create",
        {"experiment_id": "{{exp_r}}", "start_time": T0 + 2000, "tags": [kv("mlflow.runName", "from-tag")]},
        {"run_t": "run.info.run_id"},
    )
    post(
        "runs.create.name_and_tag_disagree",
        "/runs/create",
        {"experiment_id": "{{exp_r}}", "run_name": "one", "tags": [kv("mlflow.runName", "two")]},
        {"run_bad_name": "run.info.run_id"},
    )
    post(
        "runs.create.nested",
        "/runs/create",
        {
            "experiment_id": "{{exp_r}}",
            "run_name": "child",
            "start_time": T0 + 3000,
            "tags": [kv("mlflow.parentRunId", "{{run_a}}")],
        },
        {"run_c": "run.info.run_id"},
    )
    post(
        "runs.create.no_start_time",
        "/runs/create",
        {"experiment_id": "{{exp_r}}", "run_name": "no-start"},
        {"run_ns": "run.info.run_id"},
    )
    post(
        "runs.create.no_experiment",
        "/runs/create",
        {"run_name": "to-default", "start_time": T0},
        {"run_def": "run.info.run_id"},
    )
    post("runs.create.unknown_experiment", "/runs/create", {"experiment_id": "987654", "start_time": T0})
    post(
        "runs.create.bad_tag_key",
        "/runs/create",
        {"experiment_id": "{{exp_r}}", "tags": [kv("bad key!", "v")]},
        {"run_badtag": "run.info.run_id", "name_badtag": "run.info.run_name"},
    )
    post("runs.create.start_time_string", "/runs/create", {"experiment_id": "{{exp_r}}", "start_time": "soon"})
    post("runs.create.start_time_numeric_string", "/runs/create", {"experiment_id": "{{exp_r}}", "run_name": "strtime", "start_time": str(T0 + 4000)}, {"run_st": "run.info.run_id"})

    get("runs.get.named", "/runs/get", {"run_id": "{{run_a}}"})
    get("runs.get.unnamed", "/runs/get", {"run_id": "{{run_b}}"})
    get("runs.get.name_from_tag", "/runs/get", {"run_id": "{{run_t}}"})
    get("runs.get.nested", "/runs/get", {"run_id": "{{run_c}}"})
    get("runs.get.legacy_run_uuid", "/runs/get", {"run_uuid": "{{run_a}}"})
    get("runs.get.unknown", "/runs/get", {"run_id": "0123456789abcdef0123456789abcdef"})
    get("runs.get.missing_param", "/runs/get", {})

    post("runs.update.finish", "/runs/update", {"run_id": "{{run_b}}", "status": "FINISHED", "end_time": T0 + 9000})
    post("runs.update.rename", "/runs/update", {"run_id": "{{run_b}}", "run_name": "renamed-b"})
    get("runs.update.check", "/runs/get", {"run_id": "{{run_b}}"})
    post("runs.update.legacy_run_uuid", "/runs/update", {"run_uuid": "{{run_t}}", "status": "KILLED", "end_time": T0 + 9500})
    post("runs.update.status_only", "/runs/update", {"run_id": "{{run_ns}}", "status": "FAILED"}, mask=["run_info.end_time"])
    post("runs.update.bad_status", "/runs/update", {"run_id": "{{run_a}}", "status": "DONE"})
    post("runs.update.unknown_run", "/runs/update", {"run_id": "0123456789abcdef0123456789abcdef", "status": "FINISHED"})
    post("runs.update.missing_run_id", "/runs/update", {"status": "FINISHED"})
    post("runs.update.end_time_only", "/runs/update", {"run_id": "{{run_c}}", "end_time": T0 + 7777})
    get("runs.get.conflicting_ids", "/runs/get", {"run_id": "{{run_a}}", "run_uuid": "{{run_b}}"})
    post("runs.update.end_time_wrong_type", "/runs/update", {"run_id": "{{run_a}}", "end_time": "later"})

    post("runs.log_param.ok", "/runs/log-parameter", {"run_id": "{{run_a}}", "key": "lr", "value": "0.01"})
    post("runs.log_param.same_value_again", "/runs/log-parameter", {"run_id": "{{run_a}}", "key": "lr", "value": "0.01"})
    post("runs.log_param.changed_value", "/runs/log-parameter", {"run_id": "{{run_a}}", "key": "lr", "value": "0.02"})
    post("runs.log_param.legacy_run_uuid", "/runs/log-parameter", {"run_uuid": "{{run_a}}", "key": "layers", "value": "3"})
    post("runs.log_param.empty_value", "/runs/log-parameter", {"run_id": "{{run_a}}", "key": "empty", "value": ""})
    post("runs.log_param.key_with_space_and_slash", "/runs/log-parameter", {"run_id": "{{run_a}}", "key": "opt/beta 1", "value": "0.9"})
    post("runs.log_param.invalid_key", "/runs/log-parameter", {"run_id": "{{run_a}}", "key": "bad!key", "value": "1"})
    post("runs.log_param.key_dotdot", "/runs/log-parameter", {"run_id": "{{run_a}}", "key": "../escape", "value": "1"})
    post("runs.log_param.key_absolute", "/runs/log-parameter", {"run_id": "{{run_a}}", "key": "/abs", "value": "1"})
    post("runs.log_param.key_too_long", "/runs/log-parameter", {"run_id": "{{run_a}}", "key": "k" * 251, "value": "1"})
    post("runs.log_param.value_too_long", "/runs/log-parameter", {"run_id": "{{run_a}}", "key": "big", "value": "v" * 6001})
    post("runs.log_param.missing_value", "/runs/log-parameter", {"run_id": "{{run_a}}", "key": "novalue"})
    post("runs.log_param.missing_key", "/runs/log-parameter", {"run_id": "{{run_a}}", "value": "1"})
    post("runs.log_param.value_number", "/runs/log-parameter", {"run_id": "{{run_a}}", "key": "num", "value": 5})
    post("runs.log_param.unknown_run", "/runs/log-parameter", {"run_id": "0123456789abcdef0123456789abcdef", "key": "k", "value": "1"})

    post("runs.log_metric.ok", "/runs/log-metric", {"run_id": "{{run_a}}", **metric("loss", 0.5, 0, T0 + 100)})
    post("runs.log_metric.step1", "/runs/log-metric", {"run_id": "{{run_a}}", **metric("loss", 0.25, 1, T0 + 200)})
    post("runs.log_metric.no_step", "/runs/log-metric", {"run_id": "{{run_a}}", "key": "acc", "value": 0.75, "timestamp": T0 + 300})
    post("runs.log_metric.int_value", "/runs/log-metric", {"run_id": "{{run_a}}", **metric("epochs", 3, 0, T0 + 300)})
    post("runs.log_metric.negative_step", "/runs/log-metric", {"run_id": "{{run_a}}", **metric("neg", -1.5, -2, T0 + 300)})
    post("runs.log_metric.nan_string", "/runs/log-metric", {"run_id": "{{run_st}}", **metric("weird", "NaN", 0, T0 + 400)})
    post("runs.log_metric.inf_string", "/runs/log-metric", {"run_id": "{{run_st}}", **metric("weird", "Infinity", 1, T0 + 500)})
    post("runs.log_metric.neg_inf_string", "/runs/log-metric", {"run_id": "{{run_st}}", **metric("weird", "-Infinity", 2, T0 + 600)})
    post("runs.log_metric.numeric_strings", "/runs/log-metric", {"run_id": "{{run_a}}", "key": "strs", "value": "1.5", "timestamp": str(T0 + 700), "step": "4"})
    post("runs.log_metric.legacy_run_uuid", "/runs/log-metric", {"run_uuid": "{{run_a}}", **metric("legacy", 1.0, 0, T0 + 800)})
    post("runs.log_metric.missing_timestamp", "/runs/log-metric", {"run_id": "{{run_a}}", "key": "x", "value": 1.0})
    post("runs.log_metric.missing_value", "/runs/log-metric", {"run_id": "{{run_a}}", "key": "x", "timestamp": T0})
    post("runs.log_metric.missing_key", "/runs/log-metric", {"run_id": "{{run_a}}", "value": 1.0, "timestamp": T0})
    post("runs.log_metric.value_not_number", "/runs/log-metric", {"run_id": "{{run_a}}", "key": "x", "value": "abc", "timestamp": T0})
    post("runs.log_metric.invalid_key", "/runs/log-metric", {"run_id": "{{run_a}}", **metric("bad!key", 1.0)})
    post("runs.log_metric.unknown_run", "/runs/log-metric", {"run_id": "0123456789abcdef0123456789abcdef", **metric("x", 1.0)})
    raw(
        "runs.log_metric.bare_nan_token",
        "POST",
        API + "/runs/log-metric",
        body='{"run_id": "{{run_ns}}", "key": "bare", "value": NaN, "timestamp": 1700000000900, "step": 0}',
        headers={"Content-Type": "application/json"},
    )
    post("runs.log_metric.value_bool", "/runs/log-metric", {"run_id": "{{run_ns}}", "key": "b", "value": True, "timestamp": T0})
    post("runs.log_metric.big_int64_step", "/runs/log-metric", {"run_id": "{{run_ns}}", "key": "big", "value": 1.0, "timestamp": T0, "step": "9007199254740993"})
    post("runs.log_metric.big_int64_timestamp", "/runs/log-metric", {"run_id": "{{run_ns}}", "key": "bigts", "value": 1.0, "timestamp": "9007199254740993", "step": 0})
    post("runs.log_metric.float_step", "/runs/log-metric", {"run_id": "{{run_ns}}", "key": "fs", "value": 1.0, "timestamp": T0, "step": 1.5})
    get("runs.history.big_int64", "/metrics/get-history", {"run_id": "{{run_ns}}", "metric_key": "big"})
    get("runs.history.big_int64_timestamp", "/metrics/get-history", {"run_id": "{{run_ns}}", "metric_key": "bigts"})
    get("runs.get.after_metrics", "/runs/get", {"run_id": "{{run_a}}"})
    get("runs.get.non_finite_metrics", "/runs/get", {"run_id": "{{run_st}}"})
    get("runs.history.non_finite_metrics", "/metrics/get-history", {"run_id": "{{run_st}}", "metric_key": "weird"})

    post("runs.set_tag.ok", "/runs/set-tag", {"run_id": "{{run_a}}", "key": "note", "value": "hello"})
    post("runs.set_tag.overwrite", "/runs/set-tag", {"run_id": "{{run_a}}", "key": "note", "value": "hello again"})
    post("runs.set_tag.run_name", "/runs/set-tag", {"run_id": "{{run_c}}", "key": "mlflow.runName", "value": "child-renamed"})
    get("runs.set_tag.run_name.check", "/runs/get", {"run_id": "{{run_c}}"})
    post("runs.set_tag.legacy_run_uuid", "/runs/set-tag", {"run_uuid": "{{run_a}}", "key": "legacy", "value": "yes"})
    post("runs.set_tag.invalid_key", "/runs/set-tag", {"run_id": "{{run_a}}", "key": "bad!key", "value": "v"})
    post("runs.set_tag.value_too_long", "/runs/set-tag", {"run_id": "{{run_a}}", "key": "big", "value": "v" * 8001})
    post("runs.set_tag.missing_key", "/runs/set-tag", {"run_id": "{{run_a}}", "value": "v"})
    post("runs.set_tag.empty_key", "/runs/set-tag", {"run_id": "{{run_a}}", "key": "", "value": "v"})
    post("runs.set_tag.key_with_colon_and_slash", "/runs/set-tag", {"run_id": "{{run_a}}", "key": "ns:sub/key", "value": "v"})
    post("runs.set_tag.unknown_run", "/runs/set-tag", {"run_id": "0123456789abcdef0123456789abcdef", "key": "k", "value": "v"})
    post("runs.delete_tag.ok", "/runs/delete-tag", {"run_id": "{{run_a}}", "key": "legacy"})
    post("runs.delete_tag.unknown_key", "/runs/delete-tag", {"run_id": "{{run_a}}", "key": "never-set"})
    post("runs.delete_tag.unknown_run", "/runs/delete-tag", {"run_id": "0123456789abcdef0123456789abcdef", "key": "k"})

    post(
        "runs.log_batch.ok",
        "/runs/log-batch",
        {
            "run_id": "{{run_c}}",
            "metrics": [metric("loss", 1.0, 0, T0 + 10), metric("loss", 0.8, 1, T0 + 20), metric("acc", 0.1, 0, T0 + 10)],
            "params": [kv("batch_size", "32"), kv("optimizer", "adam")],
            "tags": [kv("phase", "one"), kv("mlflow.note.content", "nested child")],
        },
    )
    post("runs.log_batch.empty", "/runs/log-batch", {"run_id": "{{run_c}}"})
    post("runs.log_batch.same_param_again", "/runs/log-batch", {"run_id": "{{run_c}}", "params": [kv("batch_size", "32")]})
    post("runs.log_batch.changed_param", "/runs/log-batch", {"run_id": "{{run_c}}", "params": [kv("batch_size", "64")]})
    post(
        "runs.log_batch.duplicate_param_in_request",
        "/runs/log-batch",
        {"run_id": "{{run_c}}", "params": [kv("dup", "1"), kv("dup", "2")]},
    )
    post("runs.log_batch.too_many_params", "/runs/log-batch", {"run_id": "{{run_c}}", "params": [kv(f"p{i}", "v") for i in range(101)]})
    post("runs.log_batch.too_many_metrics", "/runs/log-batch", {"run_id": "{{run_c}}", "metrics": [metric("m", float(i), i) for i in range(1001)]})
    post("runs.log_batch.metric_missing_timestamp", "/runs/log-batch", {"run_id": "{{run_c}}", "metrics": [{"key": "m", "value": 1.0}]})
    post("runs.log_batch.metric_nan", "/runs/log-batch", {"run_id": "{{run_c}}", "metrics": [metric("nanm", "NaN", 0, T0 + 30)]})
    post("runs.log_batch.invalid_tag_key", "/runs/log-batch", {"run_id": "{{run_c}}", "tags": [kv("bad!key", "v")]})
    post("runs.log_batch.missing_run_id", "/runs/log-batch", {"params": [kv("a", "b")]})
    post("runs.log_batch.unknown_run", "/runs/log-batch", {"run_id": "0123456789abcdef0123456789abcdef", "params": [kv("a", "b")]})
    post("runs.log_batch.param_value_max_length", "/runs/log-batch", {"run_id": "{{run_c}}", "params": [kv("long6000", "v" * 6000)]})
    post("runs.log_batch.param_value_too_long", "/runs/log-batch", {"run_id": "{{run_c}}", "params": [kv("long6001", "v" * 6001)]})
    post(
        "runs.log_batch.duplicate_metrics",
        "/runs/log-batch",
        {"run_id": "{{run_c}}", "metrics": [metric("dupm", 1.0, 3, T0 + 40), metric("dupm", 1.0, 3, T0 + 40), metric("dupm", 2.0, 3, T0 + 40)]},
    )
    get("runs.log_batch.duplicate_metrics.history", "/metrics/get-history", {"run_id": "{{run_c}}", "metric_key": "dupm"})
    post("runs.log_batch.tag_overwrite", "/runs/log-batch", {"run_id": "{{run_c}}", "tags": [kv("phase", "two")]})
    post("runs.log_batch.params_wrong_type", "/runs/log-batch", {"run_id": "{{run_c}}", "params": {"a": "b"}})
    get("runs.get.after_batch", "/runs/get", {"run_id": "{{run_c}}"})

    dataset = {
        "name": "iris",
        "digest": "abc123",
        "source_type": "local",
        "source": '{"uri": "/data/iris.csv"}',
        "schema": '{"mlflow_colspec": [{"type": "double", "name": "x"}]}',
        "profile": '{"num_rows": 150}',
    }
    post(
        "runs.log_inputs.ok",
        "/runs/log-inputs",
        {"run_id": "{{run_a}}", "datasets": [{"dataset": dataset, "tags": [kv("mlflow.data.context", "training")]}]},
    )
    post(
        "runs.log_inputs.same_again",
        "/runs/log-inputs",
        {"run_id": "{{run_a}}", "datasets": [{"dataset": dataset, "tags": [kv("mlflow.data.context", "training")]}]},
    )
    post(
        "runs.log_inputs.second_dataset",
        "/runs/log-inputs",
        {
            "run_id": "{{run_a}}",
            "datasets": [
                {"dataset": {**dataset, "name": "iris-eval", "digest": "def456"}, "tags": [kv("mlflow.data.context", "eval")]}
            ],
        },
    )
    post("runs.log_inputs.empty", "/runs/log-inputs", {"run_id": "{{run_a}}"})
    post("runs.log_inputs.missing_run_id", "/runs/log-inputs", {"datasets": [{"dataset": dataset}]})
    post(
        "runs.log_inputs.missing_digest",
        "/runs/log-inputs",
        {"run_id": "{{run_ns}}", "datasets": [{"dataset": {k: v for k, v in dataset.items() if k != "digest"}}]},
    )
    post(
        "runs.log_inputs.unknown_run",
        "/runs/log-inputs",
        {"run_id": "0123456789abcdef0123456789abcdef", "datasets": [{"dataset": dataset}]},
    )
    get("runs.get.after_inputs", "/runs/get", {"run_id": "{{run_a}}"})

    post("runs.delete.ok", "/runs/delete", {"run_id": "{{run_t}}"})
    get("runs.delete.check", "/runs/get", {"run_id": "{{run_t}}"})
    post("runs.delete.again", "/runs/delete", {"run_id": "{{run_t}}"})
    post("runs.delete.log_param_on_deleted", "/runs/log-parameter", {"run_id": "{{run_t}}", "key": "k", "value": "v"})
    post("runs.delete.log_metric_on_deleted", "/runs/log-metric", {"run_id": "{{run_t}}", **metric("m", 1.0)})
    post("runs.delete.set_tag_on_deleted", "/runs/set-tag", {"run_id": "{{run_t}}", "key": "k", "value": "v"})
    post("runs.delete.update_deleted", "/runs/update", {"run_id": "{{run_t}}", "status": "FINISHED", "end_time": T0 + 9999})
    post("runs.delete.unknown", "/runs/delete", {"run_id": "0123456789abcdef0123456789abcdef"})
    post("runs.delete.missing_run_id", "/runs/delete", {})
    post("runs.restore.ok", "/runs/restore", {"run_id": "{{run_t}}"})
    get("runs.restore.check", "/runs/get", {"run_id": "{{run_t}}"})
    post("runs.restore.active", "/runs/restore", {"run_id": "{{run_t}}"})
    post("runs.delete.again_for_tag", "/runs/delete", {"run_id": "{{run_t}}"})
    post("runs.delete.delete_tag_on_deleted", "/runs/delete-tag", {"run_id": "{{run_t}}", "key": "mlflow.runName"})
    post("runs.delete.log_batch_on_deleted", "/runs/log-batch", {"run_id": "{{run_t}}", "params": [kv("a", "b")]})
    post("runs.delete.log_inputs_on_deleted", "/runs/log-inputs", {"run_id": "{{run_t}}", "datasets": []})
    post("runs.restore.again", "/runs/restore", {"run_id": "{{run_t}}"})
    post("runs.restore.unknown", "/runs/restore", {"run_id": "0123456789abcdef0123456789abcdef"})

    post("runs.experiment_delete.setup", "/experiments/delete", {"experiment_id": "{{exp_u}}"})
    post("runs.create.in_deleted_experiment", "/runs/create", {"experiment_id": "{{exp_u}}", "start_time": T0, "run_name": "x"})


# ============================================================================================
# Search runs: the filter grammar, order_by, view types and paging


def search() -> None:
    post("search.setup.experiment", "/experiments/create", {"name": "diff-search"}, {"exp_s": "experiment_id"})
    post("search.setup.experiment2", "/experiments/create", {"name": "diff-search-2"}, {"exp_s2": "experiment_id"})
    runs_spec = [
        # var, run_name, start offset, params, metrics, tags, final status
        ("s1", "s-alpha", 1000, {"lr": "0.01", "model": "resnet", "my param": "x y"},
         {"loss": 0.3, "acc": 0.9}, {"stage": "train", "note": "Hello World", "mlflow.user": "alice"}, "FINISHED"),
        ("s2", "s-beta", 2000, {"lr": "0.1", "model": "vgg"},
         {"loss": 0.7}, {"stage": "eval", "note": "hello there", "mlflow.user": "bob"}, None),
        ("s3", "s-gamma", 3000, {"lr": "0.01", "model": "resnet50"},
         {"loss": 0.5, "acc": 0.8}, {"stage": "train", "mlflow.user": "alice"}, "FAILED"),
        ("s4", "s-delta", 4000, {},
         {"loss": 1.5, "acc": 0.2}, {"stage": "test's", "mlflow.user": "carol"}, "KILLED"),
        ("s5", "s-eps", 5000, {"lr": "1e-3"}, {"loss": -1.0}, {"stage": "train"}, None),
    ]
    for var, run_name, offset, params, metrics, tags, status in runs_spec:
        post(
            f"search.setup.create_{var}",
            "/runs/create",
            {"experiment_id": "{{exp_s}}", "run_name": run_name, "start_time": T0 + offset},
            {var: "run.info.run_id"},
        )
        post(
            f"search.setup.batch_{var}",
            "/runs/log-batch",
            {
                "run_id": "{{" + var + "}}",
                "params": [kv(k, v) for k, v in params.items()],
                "metrics": [metric(k, v, 0, T0 + offset + 1) for k, v in metrics.items()],
                "tags": [kv(k, v) for k, v in tags.items()],
            },
        )
        if status:
            post(
                f"search.setup.end_{var}",
                "/runs/update",
                {"run_id": "{{" + var + "}}", "status": status, "end_time": T0 + offset + 500},
            )
    post(
        "search.setup.inputs_s1",
        "/runs/log-inputs",
        {
            "run_id": "{{s1}}",
            "datasets": [
                {
                    "dataset": {"name": "train-set", "digest": "d1", "source_type": "local", "source": "{}"},
                    "tags": [kv("mlflow.data.context", "training")],
                }
            ],
        },
    )
    post(
        "search.setup.inputs_s2",
        "/runs/log-inputs",
        {
            "run_id": "{{s2}}",
            "datasets": [
                {
                    "dataset": {"name": "eval-set", "digest": "d2", "source_type": "local", "source": "{}"},
                    "tags": [kv("mlflow.data.context", "eval")],
                }
            ],
        },
    )
    post(
        "search.setup.create_s6_other_exp",
        "/runs/create",
        {"experiment_id": "{{exp_s2}}", "run_name": "s-other", "start_time": T0 + 6000, "tags": [kv("stage", "train")]},
        {"s6": "run.info.run_id"},
    )
    post("search.setup.metric_s6", "/runs/log-metric", {"run_id": "{{s6}}", **metric("loss", 0.1, 0, T0 + 6001)})
    post("search.setup.delete_s5", "/runs/delete", {"run_id": "{{s5}}"})

    search_runs("search.all")
    search_runs("search.two_experiments", exps=("{{exp_s}}", "{{exp_s2}}"))
    search_runs("search.unknown_experiment", exps=("987654",))
    search_runs("search.no_experiment_ids", exps=())
    # metrics
    search_runs("search.metric_lt", filter="metrics.loss < 0.6")
    search_runs("search.metric_lte", filter="metrics.loss <= 0.5")
    search_runs("search.metric_gt", filter="metrics.loss > 0.5")
    search_runs("search.metric_gte", filter="metric.loss >= 0.7")
    search_runs("search.metric_eq", filter="metrics.acc = 0.9")
    search_runs("search.metric_neq", filter="metrics.acc != 0.9")
    search_runs("search.metric_backticks", filter="metrics.`loss` < 1")
    search_runs("search.metric_double_quoted_key", filter='metrics."loss" < 1')
    search_runs("search.metric_negative_value", filter="metrics.loss > -5")
    search_runs("search.metric_scientific", filter="metrics.loss < 5e-1")
    search_runs("search.metric_missing_key", filter="metrics.nope > 0")
    # params
    search_runs("search.param_eq", filter="params.lr = '0.01'")
    search_runs("search.param_eq_double_quotes", filter='params.lr = "0.01"')
    search_runs("search.param_neq", filter="params.model != 'vgg'")
    search_runs("search.param_like", filter="params.model LIKE 'res%'")
    search_runs("search.param_like_underscore", filter="params.lr LIKE '0.0_'")
    search_runs("search.param_ilike", filter="param.model ILIKE 'RESNET%'")
    search_runs("search.param_in", filter="params.model IN ('vgg', 'resnet')")
    search_runs("search.param_not_in", filter="params.model NOT IN ('vgg')")
    search_runs("search.param_backticks_space", filter="params.`my param` = 'x y'")
    # tags
    search_runs("search.tag_eq", filter="tags.stage = 'train'")
    search_runs("search.tag_like_case", filter="tags.note LIKE '%hello%'")
    search_runs("search.tag_ilike", filter="tags.note ILIKE '%hello%'")
    search_runs("search.tag_mlflow_user_backticks", filter="tags.`mlflow.user` = 'alice'")
    search_runs("search.tag_escaped_quote", filter="tags.stage = 'test\\'s'")
    search_runs("search.tag_double_quoted_value_with_quote", filter="tags.stage = \"test's\"")
    search_runs("search.tag_in", filter="tags.stage IN ('eval', 'test''s')")
    search_runs("search.tag_not_in", filter="tag.stage NOT IN ('train')")
    search_runs("search.tag_neq", filter="tags.stage != 'train'")
    search_runs("search.tag_dotted_key_unquoted", filter="tags.mlflow.runName = 's-gamma'")
    search_runs("search.like_escaped_underscore", filter="attributes.run_name LIKE 's\\_%'")
    # attributes
    search_runs("search.attr_status", filter="attributes.status = 'FINISHED'")
    search_runs("search.attr_status_neq", filter="attribute.status != 'RUNNING'")
    search_runs("search.attr_status_in", filter="attributes.status IN ('FAILED', 'KILLED')")
    search_runs("search.attr_run_name", filter="attributes.run_name = 's-beta'")
    search_runs("search.attr_run_name_like", filter="attributes.run_name LIKE 's-%a'")
    search_runs("search.attr_run_name_ilike", filter="run_name ILIKE 'S-G%'")
    search_runs("search.attr_bare_status", filter="status = 'KILLED'")
    search_runs("search.attr_start_time_gt", filter=f"attributes.start_time > {T0 + 2000}")
    search_runs("search.attr_start_time_lte", filter=f"attributes.start_time <= {T0 + 2000}")
    search_runs("search.attr_end_time", filter=f"attributes.end_time >= {T0 + 3500}")
    search_runs("search.attr_run_id_eq", filter="attributes.run_id = '{{s3}}'")
    search_runs("search.attr_run_id_in", filter="attributes.run_id IN ('{{s1}}', '{{s4}}')")
    search_runs("search.attr_run_id_not_in", filter="attributes.run_id NOT IN ('{{s1}}', '{{s4}}')")
    search_runs("search.attr_user_id", filter="attributes.user_id = 'alice'")
    search_runs("search.attr_artifact_uri", filter="attributes.artifact_uri LIKE '%{{s2}}%'")
    search_runs("search.attr_created", filter=f"attributes.created < {T0 + 2500}")
    search_runs("search.attr_duration", filter="attributes.duration > 0")
    # datasets
    search_runs("search.dataset_name", filter="datasets.name = 'train-set'")
    search_runs("search.dataset_digest_in", filter="datasets.digest IN ('d1', 'd2')")
    search_runs("search.dataset_context", filter="datasets.context = 'eval'")
    search_runs("search.dataset_name_like", filter="dataset.name LIKE '%-set'")
    # combinations
    search_runs("search.and_metric_param", filter="metrics.loss < 1 and params.lr = '0.01'")
    search_runs("search.and_three", filter="metrics.acc > 0.5 AND tags.stage = 'train' AND attributes.status != 'RUNNING'")
    search_runs("search.and_two_experiments", exps=("{{exp_s}}", "{{exp_s2}}"), filter="tags.stage = 'train'")
    search_runs("search.param_is_null", filter="params.lr IS NULL")
    search_runs("search.param_is_not_null", filter="params.model IS NOT NULL")
    search_runs("search.tag_is_null", filter="tags.note IS NULL")
    search_runs("search.tag_is_not_null", filter="tags.note IS NOT NULL")
    search_runs("search.metric_is_null", filter="metrics.acc IS NULL")
    search_runs("search.attr_run_name_neq", filter="attributes.run_name != 's-beta'")
    search_runs("search.attr_status_like", filter="attributes.status LIKE 'F%'")
    search_runs("search.attr_run_id_like", filter="attributes.run_id LIKE '{{s1}}%'")
    search_runs("search.attr_created_alias", filter=f"attributes.Created > {T0 + 2500}")
    search_runs("search.dataset_name_in", filter="datasets.name IN ('train-set')")
    search_runs("search.dataset_context_neq", filter="datasets.context != 'eval'")
    search_runs("search.metric_int_literal", filter="metrics.loss > 1")
    search_runs("search.lowercase_keywords", filter="params.model like 'res%' and tags.stage ilike 'TRAIN'")
    search_runs("search.extra_whitespace", filter="  metrics.loss   <   0.6   AND   params.lr='0.01'  ")
    search_runs("search.double_quoted_tag_key", filter='tags."mlflow.user" = \'alice\'')
    # invalid filters
    search_runs("search.invalid.trailing_and", filter="metrics.loss < 1 AND")
    search_runs("search.invalid.parentheses", filter="(metrics.loss < 1)")
    search_runs("search.invalid.is_null_metric_value", filter="metrics.loss IS 5")
    search_runs("search.invalid.incomplete", filter="metrics.loss <")
    search_runs("search.invalid.entity", filter="foo.bar = 'x'")
    search_runs("search.invalid.unquoted_param_value", filter="params.lr = 0.01")
    search_runs("search.invalid.metric_string_value", filter="metrics.loss = 'abc'")
    search_runs("search.invalid.param_numeric_comparator", filter="params.lr > '0'")
    search_runs("search.invalid.metric_in", filter="metrics.loss IN (1, 2)")
    search_runs("search.invalid.or", filter="metrics.loss < 1 OR metrics.loss > 2")
    search_runs("search.invalid.attribute", filter="attributes.nope = 'x'")
    search_runs("search.invalid.status_like", filter="attributes.start_time LIKE '1%'")
    search_runs("search.invalid.unbalanced_quote", filter="params.lr = '0.01")
    search_runs("search.invalid.empty_in", filter="params.lr IN ()")
    search_runs("search.invalid.dataset_key", filter="datasets.size = '1'")
    # order_by
    search_runs("search.order.metric_asc", order_by=["metrics.loss ASC"])
    search_runs("search.order.metric_desc", order_by=["metrics.loss DESC"])
    search_runs("search.order.metric_missing_values", order_by=["metrics.acc"])
    search_runs("search.order.metric_backticks", order_by=["metrics.`acc` DESC"])
    search_runs("search.order.param", order_by=["params.lr ASC", "attributes.run_name"])
    search_runs("search.order.tag_desc", order_by=["tags.stage DESC", "run_name"])
    search_runs("search.order.start_time_asc", order_by=["attributes.start_time ASC"])
    search_runs("search.order.bare_start_time", order_by=["start_time"])
    search_runs("search.order.run_name_desc", order_by=["attributes.run_name DESC"])
    search_runs("search.order.status", order_by=["attributes.status", "start_time DESC"])
    search_runs("search.order.end_time", order_by=["attributes.end_time DESC"])
    search_runs("search.order.with_filter", filter="tags.stage = 'train'", order_by=["metrics.loss DESC"])
    search_runs("search.order.metric_desc_missing_values", order_by=["metrics.acc DESC"])
    search_runs("search.order.param_desc_missing_values", order_by=["params.lr DESC"])
    search_runs("search.order.alias_prefixes", order_by=["metric.loss", "param.model DESC"])
    search_runs("search.order.backticks_space_key", order_by=["params.`my param` DESC", "start_time"])
    search_runs("search.order.created", order_by=["attributes.created DESC"])
    search_runs("search.order.lowercase_direction", order_by=["metrics.loss desc"])
    search_runs("search.order.invalid_dataset", order_by=["datasets.name"])
    search_runs("search.order.invalid_direction", order_by=["metrics.loss UP"])
    search_runs("search.order.invalid_entity", order_by=["foo.bar"])
    search_runs("search.order.invalid_attribute", order_by=["attributes.nope"])
    # view types and paging
    search_runs("search.view.active_only", run_view_type="ACTIVE_ONLY")
    search_runs("search.view.deleted_only", run_view_type="DELETED_ONLY")
    search_runs("search.view.all", run_view_type="ALL")
    search_runs("search.view.invalid", run_view_type="SOMETIMES")
    search_runs("search.page.1", max_results=3, order_by=["attributes.start_time ASC"], capture={"tok1": "next_page_token"})
    search_runs("search.page.2", max_results=3, order_by=["attributes.start_time ASC"], page_token="{{tok1}}")
    search_runs("search.page.default_order_1", max_results=2, capture={"dtok1": "next_page_token"})
    search_runs("search.page.default_order_2", max_results=2, page_token="{{dtok1}}", capture={"dtok2": "next_page_token"})
    search_runs("search.page.filtered_1", max_results=1, filter="tags.stage = 'train'", capture={"ftok": "next_page_token"})
    search_runs("search.page.filtered_2", max_results=1, filter="tags.stage = 'train'", page_token="{{ftok}}")
    search_runs("search.page.exact_fit", max_results=4)
    search_runs("search.page.one_1", max_results=1, order_by=["metrics.loss DESC"], capture={"otok1": "next_page_token"})
    search_runs("search.page.one_2", max_results=1, order_by=["metrics.loss DESC"], page_token="{{otok1}}", capture={"otok2": "next_page_token"})
    search_runs("search.page.one_3", max_results=1, order_by=["metrics.loss DESC"], page_token="{{otok2}}")
    search_runs("search.page.max_results_too_large", max_results=50001)
    search_runs("search.page.max_results_zero", max_results=0)
    search_runs("search.page.max_results_negative", max_results=-1)
    search_runs("search.page.bad_token", page_token="garbage")
    post("search.wrong_type.experiment_ids", "/runs/search", {"experiment_ids": "{{exp_s}}"})
    post("search.non_numeric_experiment_id", "/runs/search", {"experiment_ids": ["abc"]})
    post("search.wrong_type.max_results", "/runs/search", {"experiment_ids": ["{{exp_s}}"], "max_results": "ten"})


# ============================================================================================
# Metric history


def metric_history() -> None:
    post("history.setup.experiment", "/experiments/create", {"name": "diff-history"}, {"exp_h": "experiment_id"})
    post("history.setup.run1", "/runs/create", {"experiment_id": "{{exp_h}}", "run_name": "h1", "start_time": T0}, {"h1": "run.info.run_id"})
    post("history.setup.run2", "/runs/create", {"experiment_id": "{{exp_h}}", "run_name": "h2", "start_time": T0 + 1}, {"h2": "run.info.run_id"})
    post(
        "history.setup.batch1",
        "/runs/log-batch",
        {"run_id": "{{h1}}", "metrics": [metric("loss", 1.0 / (s + 1), s, T0 + 10 * s) for s in range(10)]},
    )
    post(
        "history.setup.batch2",
        "/runs/log-batch",
        {"run_id": "{{h2}}", "metrics": [metric("loss", 2.0 / (s + 1), s * 2, T0 + 10 * s) for s in range(8)]},
    )
    post("history.setup.same_step_twice", "/runs/log-metric", {"run_id": "{{h1}}", **metric("loss", 0.05, 9, T0 + 95)})
    post("history.setup.older_timestamp", "/runs/log-metric", {"run_id": "{{h1}}", **metric("lat", 3.0, 0, T0 + 50)})
    post("history.setup.older_timestamp2", "/runs/log-metric", {"run_id": "{{h1}}", **metric("lat", 4.0, 1, T0 + 40)})

    get("history.get.all", "/metrics/get-history", {"run_id": "{{h1}}", "metric_key": "loss"})
    get("history.get.by_timestamp_order", "/metrics/get-history", {"run_id": "{{h1}}", "metric_key": "lat"})
    get("history.get.legacy_run_uuid", "/metrics/get-history", {"run_uuid": "{{h2}}", "metric_key": "loss"})
    get("history.get.page1", "/metrics/get-history", {"run_id": "{{h1}}", "metric_key": "loss", "max_results": "4"}, {"htok1": "next_page_token"})
    get("history.get.page2", "/metrics/get-history", {"run_id": "{{h1}}", "metric_key": "loss", "max_results": "4", "page_token": "{{htok1}}"}, {"htok2": "next_page_token"})
    get("history.get.page3", "/metrics/get-history", {"run_id": "{{h1}}", "metric_key": "loss", "max_results": "4", "page_token": "{{htok2}}"})
    get("history.get.unknown_key", "/metrics/get-history", {"run_id": "{{h1}}", "metric_key": "nope"})
    get("history.get.unknown_run", "/metrics/get-history", {"run_id": "0123456789abcdef0123456789abcdef", "metric_key": "loss"})
    get("history.get.missing_metric_key", "/metrics/get-history", {"run_id": "{{h1}}"})
    get("history.get.missing_run_id", "/metrics/get-history", {"metric_key": "loss"})
    get("history.get.bad_max_results", "/metrics/get-history", {"run_id": "{{h1}}", "metric_key": "loss", "max_results": "many"})
    get("history.get.bad_page_token", "/metrics/get-history", {"run_id": "{{h1}}", "metric_key": "loss", "max_results": "4", "page_token": "bogus"})

    get("history.get.max_results_too_large", "/metrics/get-history", {"run_id": "{{h1}}", "metric_key": "loss", "max_results": "25001"})
    get("history.get.max_results_zero", "/metrics/get-history", {"run_id": "{{h1}}", "metric_key": "loss", "max_results": "0"})
    bulk = "/metrics/get-history-bulk-interval"
    get("history.bulk.two_runs", bulk, {"run_ids": ["{{h1}}", "{{h2}}"], "metric_key": "loss"})
    get("history.bulk.one_run", bulk, {"run_ids": "{{h1}}", "metric_key": "loss"})
    get("history.bulk.step_range", bulk, {"run_ids": ["{{h1}}", "{{h2}}"], "metric_key": "loss", "start_step": "2", "end_step": "6"})
    get("history.bulk.max_results_sampling", bulk, {"run_ids": ["{{h1}}", "{{h2}}"], "metric_key": "loss", "max_results": "3"})
    get("history.bulk.range_and_sampling", bulk, {"run_ids": "{{h1}}", "metric_key": "loss", "start_step": "1", "end_step": "8", "max_results": "4"})
    get("history.bulk.nan_values", bulk, {"run_ids": "{{run_st}}", "metric_key": "weird"})
    get("history.bulk.unknown_key", bulk, {"run_ids": "{{h1}}", "metric_key": "nope"})
    get("history.bulk.missing_run_ids", bulk, {"metric_key": "loss"})
    get("history.bulk.missing_metric_key", bulk, {"run_ids": "{{h1}}"})
    get("history.bulk.start_without_end", bulk, {"run_ids": "{{h1}}", "metric_key": "loss", "start_step": "2"})
    get("history.bulk.start_after_end", bulk, {"run_ids": "{{h1}}", "metric_key": "loss", "start_step": "5", "end_step": "2"})
    get("history.bulk.max_results_too_large", bulk, {"run_ids": "{{h1}}", "metric_key": "loss", "max_results": "2501"})
    get("history.bulk.max_results_zero", bulk, {"run_ids": "{{h1}}", "metric_key": "loss", "max_results": "0"})
    get("history.bulk.too_many_runs", bulk, {"run_ids": [f"{i:032x}" for i in range(101)], "metric_key": "loss"})
    get("history.bulk.duplicate_run_ids", bulk, {"run_ids": ["{{h1}}", "{{h1}}"], "metric_key": "loss", "max_results": "3"})
    get("history.bulk.equal_start_end", bulk, {"run_ids": "{{h1}}", "metric_key": "loss", "start_step": "3", "end_step": "3"})
    get("history.bulk.bad_step", bulk, {"run_ids": "{{h1}}", "metric_key": "loss", "start_step": "x", "end_step": "3"})
    get("history.bulk.unknown_run", bulk, {"run_ids": "0123456789abcdef0123456789abcdef", "metric_key": "loss"})

    # The web UI's unsampled bulk history: /ajax-api only, run_id repeated.
    full = "/ajax-api/2.0/mlflow/metrics/get-history-bulk"
    raw("history.full.one_run", "GET", full + "?run_id={{h1}}&metric_key=loss")
    raw("history.full.two_runs", "GET", full + "?run_id={{h2}}&run_id={{h1}}&run_id={{h2}}&metric_key=loss", sort=["metrics"])
    raw("history.full.max_results", "GET", full + "?run_id={{h1}}&metric_key=loss&max_results=3")
    raw("history.full.max_results_zero", "GET", full + "?run_id={{h1}}&metric_key=loss&max_results=0")
    raw("history.full.unknown_run", "GET", full + "?run_id=0123456789abcdef0123456789abcdef&metric_key=loss")
    raw("history.full.no_run_id", "GET", full + "?metric_key=loss")
    raw("history.full.no_metric_key", "GET", full + "?run_id={{h1}}")
    raw("history.full.too_many_runs", "GET", full + "?" + "&".join(f"run_id={i:032x}" for i in range(101)) + "&metric_key=loss")
    up = "/ajax-api/2.0/mlflow/upload-artifact"
    octet = {"Content-Type": "application/octet-stream"}
    raw("ui.upload.ok", "POST", up + "?run_uuid={{h1}}&path=ui/hello.txt", body="hello", headers=octet)
    get("ui.upload.listed", "/artifacts/list", {"run_id": "{{h1}}", "path": "ui"})
    raw("ui.upload.no_run", "POST", up + "?path=a.txt", body="x", headers=octet)
    raw("ui.upload.no_path", "POST", up + "?run_uuid={{h1}}", body="x", headers=octet)
    raw("ui.upload.dotdot", "POST", up + "?run_uuid={{h1}}&path=../escape.txt", body="x", headers=octet)
    raw("ui.upload.empty", "POST", up + "?run_uuid={{h1}}&path=empty.txt", body="", headers=octet)
    raw("ui.upload.unknown_run", "POST", up + "?run_uuid=0123456789abcdef0123456789abcdef&path=a.txt", body="x", headers=octet)
    get("artifacts.list.dotdot_message", "/artifacts/list", {"run_id": "{{h1}}", "path": "../path"})
    raw("ui.telemetry.get", "GET", "/ajax-api/3.0/mlflow/ui-telemetry")
    raw("ui.telemetry.post", "POST", "/ajax-api/3.0/mlflow/ui-telemetry", body='{"records": []}', headers={"Content-Type": "application/json"})


# ============================================================================================
# Malformed requests and the URL space


def malformed() -> None:
    create = API + "/experiments/create"
    raw("http.bad_json", "POST", create, body="{bad json", headers={"Content-Type": "application/json"})
    raw("http.json_array_body", "POST", create, body='["diff-x"]', headers={"Content-Type": "application/json"})
    raw("http.empty_body", "POST", create, body="", headers={"Content-Type": "application/json"})
    raw("http.no_content_type", "POST", create, body='{"name": "diff-no-ctype"}')
    raw("http.text_content_type", "POST", create, body='{"name": "diff-text"}', headers={"Content-Type": "text/plain"})
    raw(
        "http.json_charset_content_type",
        "POST",
        create,
        body='{"name": "diff-charset"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
        capture={"exp_charset": "experiment_id"},
    )
    raw(
        "http.double_encoded_json",
        "POST",
        create,
        body='"{\\"name\\": \\"diff-double-encoded\\"}"',
        headers={"Content-Type": "application/json"},
    )
    post("http.unknown_field_ignored", "/experiments/create", {"name": "diff-extra-field", "bogus": 1})
    raw("http.unknown_endpoint", "GET", API + "/experiments/frobnicate")
    raw("http.unknown_endpoint_post", "POST", API + "/runs/frobnicate", body="{}", headers={"Content-Type": "application/json"})
    raw("http.wrong_method_get_on_post", "GET", API + "/experiments/create")
    raw("http.wrong_method_post_on_get", "POST", API + "/runs/get", body="{}", headers={"Content-Type": "application/json"})
    raw("http.ajax_api_prefix", "GET", "/ajax-api/2.0/mlflow/experiments/get", query={"experiment_id": "0"})
    raw("http.health", "GET", "/health")


# ============================================================================================
# Model registry: registered models, versions, stages, tags, aliases


RM = "/registered-models"
MV = "/model-versions"
NO_RUN = "0123456789abcdef0123456789abcdef"


def call(name, method, path, body=None, query=None, capture=None, base=API, **kw):
    """Any method with an optional JSON body (the registry's PATCH / DELETE take one, as MLflow's
    client sends them), below `base` (the 2.0 API unless told otherwise)."""
    case = {"name": name, "method": method, "path": base + path, **kw}
    if body is not None:
        case["json"] = body
    if query is not None:
        case["query"] = query
    if capture:
        case["capture"] = capture
    return _add(case)


def registry() -> None:
    post("reg.setup.experiment", "/experiments/create", {"name": "diff-registry"}, {"exp_reg": "experiment_id"})
    post("reg.setup.run", "/runs/create", {"experiment_id": "{{exp_reg}}", "run_name": "reg-run", "start_time": T0}, {"reg_run": "run.info.run_id"})
    post("reg.setup.run2", "/runs/create", {"experiment_id": "{{exp_reg}}", "run_name": "reg-run-2", "start_time": T0 + 1}, {"reg_run2": "run.info.run_id"})

    # Registered models
    post("reg.rm.create.basic", RM + "/create", {"name": "diff-model-a"})
    post(
        "reg.rm.create.tags_description",
        RM + "/create",
        {"name": "diff-model-b", "tags": [kv("team", "vision"), kv("tier", "1")], "description": "The B model"},
    )
    post("reg.rm.create.third", RM + "/create", {"name": "diff-model-c", "tags": [kv("team", "nlp")]})
    post("reg.rm.create.duplicate", RM + "/create", {"name": "diff-model-a"})
    post("reg.rm.create.missing_name", RM + "/create", {})
    post("reg.rm.create.empty_name", RM + "/create", {"name": ""})
    post("reg.rm.create.blank_name", RM + "/create", {"name": "   "})
    post("reg.rm.create.name_wrong_type", RM + "/create", {"name": 5})
    post("reg.rm.create.name_with_slash", RM + "/create", {"name": "team/model"})
    post("reg.rm.create.name_with_colon", RM + "/create", {"name": "team:model"})
    post("reg.rm.create.tags_wrong_type", RM + "/create", {"name": "diff-model-bad", "tags": "nope"})
    post("reg.rm.create.tag_invalid_key", RM + "/create", {"name": "diff-model-bad2", "tags": [kv("bad!key", "v")]})
    post("reg.rm.create.description_wrong_type", RM + "/create", {"name": "diff-model-bad3", "description": 7})

    get("reg.rm.get.basic", RM + "/get", {"name": "diff-model-a"})
    get("reg.rm.get.tags_description", RM + "/get", {"name": "diff-model-b"})
    get("reg.rm.get.unknown", RM + "/get", {"name": "no-such-model"})
    get("reg.rm.get.missing_name", RM + "/get", {})

    call("reg.rm.update.description", "PATCH", RM + "/update", {"name": "diff-model-a", "description": "now described"})
    call("reg.rm.update.unknown", "PATCH", RM + "/update", {"name": "no-such-model", "description": "x"})
    call("reg.rm.update.missing_name", "PATCH", RM + "/update", {"description": "x"})

    post("reg.rm.rename.ok", RM + "/rename", {"name": "diff-model-c", "new_name": "diff-model-c2"})
    get("reg.rm.rename.old_name_gone", RM + "/get", {"name": "diff-model-c"})
    get("reg.rm.rename.new_name", RM + "/get", {"name": "diff-model-c2"})
    post("reg.rm.rename.to_existing", RM + "/rename", {"name": "diff-model-c2", "new_name": "diff-model-a"})
    post("reg.rm.rename.unknown", RM + "/rename", {"name": "no-such-model", "new_name": "whatever"})
    post("reg.rm.rename.missing_new_name", RM + "/rename", {"name": "diff-model-c2"})
    post("reg.rm.rename.empty_new_name", RM + "/rename", {"name": "diff-model-c2", "new_name": ""})
    post("reg.rm.rename.bad_new_name", RM + "/rename", {"name": "diff-model-c2", "new_name": "a/b"})

    post("reg.rm.set_tag.ok", RM + "/set-tag", {"name": "diff-model-a", "key": "owner", "value": "alice"})
    post("reg.rm.set_tag.overwrite", RM + "/set-tag", {"name": "diff-model-a", "key": "owner", "value": "bob"})
    post("reg.rm.set_tag.second", RM + "/set-tag", {"name": "diff-model-a", "key": "scratch", "value": "x"})
    post("reg.rm.set_tag.missing_key", RM + "/set-tag", {"name": "diff-model-a", "value": "v"})
    post("reg.rm.set_tag.invalid_key", RM + "/set-tag", {"name": "diff-model-a", "key": "bad!key", "value": "v"})
    post("reg.rm.set_tag.key_too_long", RM + "/set-tag", {"name": "diff-model-a", "key": "k" * 251, "value": "v"})
    post("reg.rm.set_tag.unknown_model", RM + "/set-tag", {"name": "no-such-model", "key": "k", "value": "v"})
    call("reg.rm.delete_tag.ok", "DELETE", RM + "/delete-tag", {"name": "diff-model-a", "key": "scratch"})
    call("reg.rm.delete_tag.unknown_key", "DELETE", RM + "/delete-tag", {"name": "diff-model-a", "key": "never-set"})
    call("reg.rm.delete_tag.unknown_model", "DELETE", RM + "/delete-tag", {"name": "no-such-model", "key": "k"})
    call("reg.rm.delete_tag.missing_key", "DELETE", RM + "/delete-tag", {"name": "diff-model-a"})
    get("reg.rm.get.after_tags", RM + "/get", {"name": "diff-model-a"})

    # Model versions
    run_src = "runs:/{{reg_run}}/model"
    post("reg.mv.create.runs_uri", MV + "/create", {"name": "diff-model-a", "source": run_src, "run_id": "{{reg_run}}"})
    post(
        "reg.mv.create.tags_description",
        MV + "/create",
        {
            "name": "diff-model-a",
            "source": "runs:/{{reg_run}}/model2",
            "run_id": "{{reg_run}}",
            "tags": [kv("flavor", "sklearn")],
            "description": "second",
            "run_link": "http://example.com/run",
        },
    )
    post("reg.mv.create.third", MV + "/create", {"name": "diff-model-a", "source": "runs:/{{reg_run2}}/model", "run_id": "{{reg_run2}}"})
    post("reg.mv.create.model_b", MV + "/create", {"name": "diff-model-b", "source": run_src, "run_id": "{{reg_run}}"})
    post("reg.mv.create.copy_of_version", MV + "/create", {"name": "diff-model-c2", "source": "models:/diff-model-a/1"})
    post("reg.mv.create.run_id_mismatch", MV + "/create", {"name": "diff-model-a", "source": run_src, "run_id": "{{reg_run2}}"})
    post("reg.mv.create.runs_uri_without_run_id", MV + "/create", {"name": "diff-model-a", "source": run_src})
    post("reg.mv.create.runs_uri_netloc", MV + "/create", {"name": "diff-model-a", "source": "runs://host/{{reg_run}}/model", "run_id": "{{reg_run}}"})
    post("reg.mv.create.dotdot", MV + "/create", {"name": "diff-model-a", "source": "runs:/{{reg_run}}/../../etc", "run_id": "{{reg_run}}"})
    post("reg.mv.create.local_path", MV + "/create", {"name": "diff-model-a", "source": "/tmp/some/model"})
    post("reg.mv.create.file_uri", MV + "/create", {"name": "diff-model-a", "source": "file:///tmp/some/model"})
    post("reg.mv.create.unknown_model", MV + "/create", {"name": "no-such-model", "source": run_src, "run_id": "{{reg_run}}"})
    post("reg.mv.create.missing_source", MV + "/create", {"name": "diff-model-a", "run_id": "{{reg_run}}"})
    post("reg.mv.create.missing_name", MV + "/create", {"source": run_src, "run_id": "{{reg_run}}"})
    post("reg.mv.create.source_wrong_type", MV + "/create", {"name": "diff-model-a", "source": 5})
    post("reg.mv.create.tag_invalid_key", MV + "/create", {"name": "diff-model-a", "source": run_src, "run_id": "{{reg_run}}", "tags": [kv("bad!key", "v")]})

    get("reg.mv.get.first", MV + "/get", {"name": "diff-model-a", "version": "1"})
    get("reg.mv.get.tags_description", MV + "/get", {"name": "diff-model-a", "version": "2"})
    get("reg.mv.get.copy", MV + "/get", {"name": "diff-model-c2", "version": "1"})
    get("reg.mv.get.unknown_version", MV + "/get", {"name": "diff-model-a", "version": "99"})
    get("reg.mv.get.unknown_model", MV + "/get", {"name": "no-such-model", "version": "1"})
    get("reg.mv.get.non_numeric_version", MV + "/get", {"name": "diff-model-a", "version": "abc"})
    get("reg.mv.get.missing_version", MV + "/get", {"name": "diff-model-a"})

    call("reg.mv.update.description", "PATCH", MV + "/update", {"name": "diff-model-a", "version": "1", "description": "first, described"})
    call("reg.mv.update.unknown_version", "PATCH", MV + "/update", {"name": "diff-model-a", "version": "99", "description": "x"})
    call("reg.mv.update.missing_version", "PATCH", MV + "/update", {"name": "diff-model-a", "description": "x"})

    tr = MV + "/transition-stage"
    post("reg.mv.transition.staging", tr, {"name": "diff-model-a", "version": "1", "stage": "Staging", "archive_existing_versions": False})
    post("reg.mv.transition.production", tr, {"name": "diff-model-a", "version": "2", "stage": "Production", "archive_existing_versions": False})
    post("reg.mv.transition.production_archiving", tr, {"name": "diff-model-a", "version": "3", "stage": "production", "archive_existing_versions": True})
    get("reg.mv.transition.archived_check", MV + "/get", {"name": "diff-model-a", "version": "2"})
    post("reg.mv.transition.bad_stage", tr, {"name": "diff-model-a", "version": "1", "stage": "Deployed", "archive_existing_versions": False})
    post("reg.mv.transition.archive_from_none", tr, {"name": "diff-model-a", "version": "1", "stage": "None", "archive_existing_versions": True})
    post("reg.mv.transition.unknown_version", tr, {"name": "diff-model-a", "version": "99", "stage": "Staging", "archive_existing_versions": False})
    post("reg.mv.transition.missing_stage", tr, {"name": "diff-model-a", "version": "1", "archive_existing_versions": False})

    glv = RM + "/get-latest-versions"
    post("reg.rm.latest.post_all", glv, {"name": "diff-model-a"}, sort=["model_versions"])
    post("reg.rm.latest.post_stages", glv, {"name": "diff-model-a", "stages": ["Production"]})
    post("reg.rm.latest.post_none_stage", glv, {"name": "diff-model-b", "stages": ["None"]})
    get("reg.rm.latest.get", glv, {"name": "diff-model-a"}, sort=["model_versions"])
    get("reg.rm.latest.get_stages", glv, {"name": "diff-model-a", "stages": ["Staging", "Archived"]}, sort=["model_versions"])
    post("reg.rm.latest.unknown_model", glv, {"name": "no-such-model"})
    post("reg.rm.latest.bad_stage", glv, {"name": "diff-model-a", "stages": ["Deployed"]})
    get("reg.rm.get.with_latest_versions", RM + "/get", {"name": "diff-model-a"})

    post("reg.mv.set_tag.ok", MV + "/set-tag", {"name": "diff-model-a", "version": "1", "key": "validated", "value": "yes"})
    post("reg.mv.set_tag.overwrite", MV + "/set-tag", {"name": "diff-model-a", "version": "1", "key": "validated", "value": "no"})
    post("reg.mv.set_tag.second", MV + "/set-tag", {"name": "diff-model-a", "version": "1", "key": "scratch", "value": ""})
    post("reg.mv.set_tag.invalid_key", MV + "/set-tag", {"name": "diff-model-a", "version": "1", "key": "bad!key", "value": "v"})
    post("reg.mv.set_tag.missing_key", MV + "/set-tag", {"name": "diff-model-a", "version": "1", "value": "v"})
    post("reg.mv.set_tag.unknown_version", MV + "/set-tag", {"name": "diff-model-a", "version": "99", "key": "k", "value": "v"})
    call("reg.mv.delete_tag.ok", "DELETE", MV + "/delete-tag", {"name": "diff-model-a", "version": "1", "key": "scratch"})
    call("reg.mv.delete_tag.unknown_key", "DELETE", MV + "/delete-tag", {"name": "diff-model-a", "version": "1", "key": "never-set"})
    call("reg.mv.delete_tag.unknown_version", "DELETE", MV + "/delete-tag", {"name": "diff-model-a", "version": "99", "key": "k"})

    al = RM + "/alias"
    post("reg.alias.set.champion", al, {"name": "diff-model-a", "alias": "champion", "version": "1"})
    post("reg.alias.set.challenger", al, {"name": "diff-model-a", "alias": "challenger", "version": "2"})
    post("reg.alias.set.move", al, {"name": "diff-model-a", "alias": "champion", "version": "3"})
    post("reg.alias.set.unknown_version", al, {"name": "diff-model-a", "alias": "ghost", "version": "99"})
    post("reg.alias.set.unknown_model", al, {"name": "no-such-model", "alias": "ghost", "version": "1"})
    post("reg.alias.set.reserved_latest", al, {"name": "diff-model-a", "alias": "Latest", "version": "1"})
    post("reg.alias.set.version_like", al, {"name": "diff-model-a", "alias": "v1", "version": "1"})
    post("reg.alias.set.bad_characters", al, {"name": "diff-model-a", "alias": "bad alias!", "version": "1"})
    post("reg.alias.set.empty", al, {"name": "diff-model-a", "alias": "", "version": "1"})
    post("reg.alias.set.missing_version", al, {"name": "diff-model-a", "alias": "nover"})
    get("reg.alias.get.champion", al, {"name": "diff-model-a", "alias": "champion"})
    get("reg.alias.get.latest", al, {"name": "diff-model-a", "alias": "latest"})
    get("reg.alias.get.unknown", al, {"name": "diff-model-a", "alias": "nobody"})
    get("reg.alias.get.unknown_model", al, {"name": "no-such-model", "alias": "champion"})
    get("reg.alias.rm_get_shows_aliases", RM + "/get", {"name": "diff-model-a"})
    call("reg.alias.delete.ok", "DELETE", al, {"name": "diff-model-a", "alias": "challenger"})
    call("reg.alias.delete.unknown_alias", "DELETE", al, {"name": "diff-model-a", "alias": "nobody"})
    call("reg.alias.delete.unknown_model", "DELETE", al, {"name": "no-such-model", "alias": "champion"})
    get("reg.alias.get.deleted", al, {"name": "diff-model-a", "alias": "challenger"})
    get("reg.mv.get.with_alias", MV + "/get", {"name": "diff-model-a", "version": "3"})

    dl = MV + "/get-download-uri"
    get("reg.mv.download_uri.run_source", dl, {"name": "diff-model-a", "version": "1"})
    get("reg.mv.download_uri.copy", dl, {"name": "diff-model-c2", "version": "1"})
    get("reg.mv.download_uri.unknown", dl, {"name": "diff-model-a", "version": "99"})

    # Searches (before any deletion)
    rs = RM + "/search"
    get("reg.rm.search.all", rs, {"max_results": "100"})
    get("reg.rm.search.default_max_results", rs, {})
    get("reg.rm.search.name_eq", rs, {"filter": "name = 'diff-model-b'"})
    get("reg.rm.search.name_like", rs, {"filter": "name LIKE 'diff-model-%'", "order_by": "name DESC"})
    get("reg.rm.search.name_ilike", rs, {"filter": "name ILIKE 'DIFF-MODEL-_'"})
    get("reg.rm.search.tag", rs, {"filter": "tags.team = 'vision'"})
    get("reg.rm.search.tag_like_and_name", rs, {"filter": "tags.team LIKE '%l%' AND name != 'diff-model-b'"})
    get("reg.rm.search.order_name_asc", rs, {"order_by": "name ASC"})
    get("reg.rm.search.order_two_keys", rs, {"order_by": ["last_updated_timestamp DESC", "name ASC"]})
    get("reg.rm.search.page1", rs, {"max_results": "2", "order_by": "name"}, {"rm_tok": "next_page_token"})
    get("reg.rm.search.page2", rs, {"max_results": "2", "order_by": "name", "page_token": "{{rm_tok}}"})
    get("reg.rm.search.bad_filter", rs, {"filter": "name = "})
    get("reg.rm.search.bad_filter_attribute", rs, {"filter": "run_id = 'x'"})
    get("reg.rm.search.bad_order_by", rs, {"order_by": "foo ASC"})
    get("reg.rm.search.max_results_too_large", rs, {"max_results": "1001"})
    get("reg.rm.search.bad_page_token", rs, {"page_token": "not-a-token"})

    vs = MV + "/search"
    get("reg.mv.search.by_name", vs, {"filter": "name = 'diff-model-a'"})
    get("reg.mv.search.by_run_id", vs, {"filter": "run_id = '{{reg_run}}'", "order_by": ["name", "version_number"]})
    get("reg.mv.search.run_id_in", vs, {"filter": "run_id IN ('{{reg_run2}}', 'nothing')"})
    get("reg.mv.search.version_number", vs, {"filter": "name = 'diff-model-a' AND version_number >= 2", "order_by": "version_number ASC"})
    get("reg.mv.search.tag", vs, {"filter": "tags.validated = 'no'"})
    get("reg.mv.search.source_path", vs, {"filter": "source_path = 'runs:/{{reg_run}}/model2'"})
    get("reg.mv.search.name_like", vs, {"filter": "name LIKE 'diff-model-%'", "order_by": ["name DESC", "version_number DESC"]})
    get("reg.mv.search.page1", vs, {"max_results": "2", "order_by": ["name", "version_number"]}, {"mv_tok": "next_page_token"})
    get("reg.mv.search.page2", vs, {"max_results": "2", "order_by": ["name", "version_number"], "page_token": "{{mv_tok}}"})
    get("reg.mv.search.bad_filter", vs, {"filter": "name = 'x' AND"})
    get("reg.mv.search.bad_attribute", vs, {"filter": "stage = 'Production'"})
    get("reg.mv.search.bad_order_by", vs, {"order_by": "stage DESC"})
    get("reg.mv.search.max_results_too_large", vs, {"max_results": "200001"})

    # Deletion
    call("reg.mv.delete.ok", "DELETE", MV + "/delete", {"name": "diff-model-a", "version": "1"})
    get("reg.mv.delete.check", MV + "/get", {"name": "diff-model-a", "version": "1"})
    call("reg.mv.delete.again", "DELETE", MV + "/delete", {"name": "diff-model-a", "version": "1"})
    post("reg.mv.create.after_delete", MV + "/create", {"name": "diff-model-a", "source": run_src, "run_id": "{{reg_run}}"})
    call("reg.rm.delete.ok", "DELETE", RM + "/delete", {"name": "diff-model-b"})
    get("reg.rm.delete.check", RM + "/get", {"name": "diff-model-b"})
    get("reg.rm.delete.versions_gone", MV + "/get", {"name": "diff-model-b", "version": "1"})
    call("reg.rm.delete.again", "DELETE", RM + "/delete", {"name": "diff-model-b"})
    call("reg.rm.delete.missing_name", "DELETE", RM + "/delete", {})
    post("reg.rm.create.name_of_deleted", RM + "/create", {"name": "diff-model-b"})

    # Sources MLflow accepts and we refuse by design (last: on MLflow's side they add versions).
    post("reg.rm.create.external", RM + "/create", {"name": "diff-model-ext"})
    # Accepted by both (the run is resolved only when the source is used), so first: version 1 on both.
    post("reg.mv.create.unknown_run", MV + "/create", {"name": "diff-model-ext", "source": f"runs:/{NO_RUN}/model", "run_id": NO_RUN})
    post("reg.mv.create.s3_source", MV + "/create", {"name": "diff-model-ext", "source": "s3://bucket/path/model"})


# ============================================================================================
# Prompts (mlflow.genai): registered models and versions tagged mlflow.prompt.is_prompt=true

IS_PROMPT = "mlflow.prompt.is_prompt"


def prompt_version_tags(template: str) -> list[dict]:
    """The version tags register_prompt sends with a text template (no {{ }}: those are ours)."""
    return [kv("team", "a"), kv(IS_PROMPT, "true"), kv("_mlflow_prompt_type", "text"), kv("mlflow.prompt.text", template)]


def prompts() -> None:
    # diff-model-ext holds versions only on MLflow's side (sources we refuse): out of the searches.
    call("prompt.rm.delete.external", "DELETE", RM + "/delete", {"name": "diff-model-ext"})
    pv = lambda name, template, **kw: {"name": name, "source": "dummy-source", "tags": prompt_version_tags(template), **kw}  # noqa: E731
    post("prompt.rm.create", RM + "/create", {"name": "diff-prompt", "tags": [kv(IS_PROMPT, "true"), kv("team", "a")], "description": "first"})
    post("prompt.mv.create.register_prompt", MV + "/create", pv("diff-prompt", "Answer {question}", description="first"))
    post("prompt.mv.create.second", MV + "/create", pv("diff-prompt", "Answer {question} briefly", description="second"))
    post("prompt.mv.create.store_placeholder", MV + "/create", {"name": "diff-prompt", "source": "prompt-template", "tags": [kv(IS_PROMPT, "TRUE")]})
    post("prompt.mv.create.long_template", MV + "/create", pv("diff-prompt", "x" * 60_000))
    post("prompt.mv.create.template_too_long", MV + "/create", pv("diff-prompt", "x" * 100_001))
    post("prompt.mv.create.other_source", MV + "/create", {**pv("diff-prompt", "t"), "source": "s3://bucket/prompt"})
    post("prompt.mv.create.placeholder_untagged", MV + "/create", {"name": "diff-prompt", "source": "dummy-source"})
    post("prompt.mv.create.placeholder_last_tag_false", MV + "/create", {"name": "diff-prompt", "source": "dummy-source", "tags": [kv(IS_PROMPT, "true"), kv(IS_PROMPT, "false")]})
    post("prompt.mv.create.placeholder_plain_model", MV + "/create", {"name": "diff-model-a", "source": "dummy-source"})
    get("prompt.mv.get", MV + "/get", {"name": "diff-prompt", "version": "1"})
    get("prompt.mv.download_uri", MV + "/get-download-uri", {"name": "diff-prompt", "version": "1"})
    get("prompt.rm.get", RM + "/get", {"name": "diff-prompt"})

    al = RM + "/alias"
    post("prompt.alias.set", al, {"name": "diff-prompt", "alias": "production", "version": "1"})
    get("prompt.alias.get", al, {"name": "diff-prompt", "alias": "production"})
    get("prompt.alias.get.latest", al, {"name": "diff-prompt", "alias": "latest"})
    call("prompt.mv.delete.highest", "DELETE", MV + "/delete", {"name": "diff-prompt", "version": "4"})
    get("prompt.alias.get.latest_after_delete", al, {"name": "diff-prompt", "alias": "latest"})
    call("prompt.alias.delete", "DELETE", al, {"name": "diff-prompt", "alias": "production"})
    post("prompt.rm.set_tag", RM + "/set-tag", {"name": "diff-prompt", "key": "owner", "value": "alice"})
    post("prompt.mv.set_tag", MV + "/set-tag", {"name": "diff-prompt", "version": "2", "key": "reviewed", "value": "yes"})

    rs, vs = RM + "/search", MV + "/search"
    get("prompt.rm.search.default", rs, {})
    get("prompt.rm.search.client_clause", rs, {"filter": f"tags.`{IS_PROMPT}` != 'true'"})
    get("prompt.rm.search.false", rs, {"filter": f"tags.`{IS_PROMPT}` = 'false'"})
    get("prompt.rm.search.prompts", rs, {"filter": f"tags.`{IS_PROMPT}` = 'true'", "max_results": "100"})
    get("prompt.rm.search.not_false", rs, {"filter": f"tags.`{IS_PROMPT}` != 'false'"})
    get("prompt.rm.search.prompts_and_tag", rs, {"filter": f"tags.`{IS_PROMPT}` = 'true' AND tags.owner = 'alice'"})
    get("prompt.rm.search.other_tag_ne", rs, {"filter": "tags.team != 'b'"})
    get("prompt.mv.search.by_name", vs, {"filter": "name = 'diff-prompt'"})
    get("prompt.mv.search.prompts", vs, {"filter": f"name = 'diff-prompt' AND tags.`{IS_PROMPT}` = 'true'"})

    post("prompt.rm.create.clash_with_model", RM + "/create", {"name": "diff-model-a", "tags": [kv(IS_PROMPT, "true")]})
    post("prompt.rm.create.model_clash_with_prompt", RM + "/create", {"name": "diff-prompt"})
    post("prompt.rm.create.again", RM + "/create", {"name": "diff-prompt", "tags": [kv(IS_PROMPT, "true")]})


# ============================================================================================
# Evaluation datasets (MLflow 3, /api/3.0/mlflow/datasets): tags and records are JSON strings
# inside the JSON. Server-made times and the digest (a hash of the update time) are masked.

DS = "/api/3.0/mlflow/datasets"
NO_DATASET = "d-0123456789abcdef0123456789abcdef"
DATASET_TIMES = ["dataset.created_time", "dataset.last_update_time", "dataset.digest"]


def dataset_call(name, method, path, body=None, query=None, capture=None, **kw):
    case = {"name": name, "method": method, "path": DS + path, **kw}
    if body is not None:
        case["json"] = body
    if query is not None:
        case["query"] = query
    if capture:
        case["capture"] = capture
    return _add(case)


def datasets() -> None:
    import json

    record = lambda q, **extra: {"inputs": {"question": q}, "source": {"source_type": "HUMAN", "source_data": {}}, **extra}  # noqa: E731
    dataset_call("ds.create", "POST", "/create", {"name": "diff-ds", "experiment_ids": ["{{exp_s}}"], "tags": json.dumps({"team": "a", "mlflow.user": "u"})}, capture={"ds": "dataset.dataset_id"}, mask=DATASET_TIMES)
    dataset_call("ds.create.no_name", "POST", "/create", {"experiment_ids": ["{{exp_s}}"]})
    dataset_call("ds.get", "GET", "/{{ds}}", mask=DATASET_TIMES)
    dataset_call("ds.get.missing", "GET", "/" + NO_DATASET)
    dataset_call("ds.experiment_ids", "GET", "/{{ds}}/experiment-ids")
    dataset_call("ds.records.insert", "POST", "/{{ds}}/records", {"records": json.dumps([record("What is MLflow?", expectations={"answer": "a platform"}), record("What is a span?")])})
    dataset_call("ds.records.merge", "POST", "/{{ds}}/records", {"records": json.dumps([record("What is MLflow?", expectations={"score": 5}), record("What is a trace?", outputs={"text": "spans"})])})
    dataset_call("ds.records.not_json", "POST", "/{{ds}}/records", {"records": "not json"})
    dataset_call("ds.records.get", "GET", "/{{ds}}/records", query={"max_results": "10"}, mask=["records"])
    dataset_call("ds.get.after_records", "GET", "/{{ds}}", mask=DATASET_TIMES)
    dataset_call("ds.tags.set", "PATCH", "/{{ds}}/tags", {"tags": json.dumps({"stage": "dev"})})
    dataset_call("ds.tags.delete", "DELETE", "/{{ds}}/tags/stage")
    dataset_call("ds.tags.delete.again", "DELETE", "/{{ds}}/tags/stage")
    searched = ["datasets.[].created_time", "datasets.[].last_update_time", "datasets.[].digest"]
    dataset_call("ds.search", "POST", "/search", {"experiment_ids": ["{{exp_s}}"]}, mask=searched)
    dataset_call("ds.search.by_name", "POST", "/search", {"experiment_ids": ["{{exp_s}}"], "filter_string": "name = 'diff-ds'"}, mask=searched)
    dataset_call("ds.search.no_match", "POST", "/search", {"experiment_ids": ["{{exp_s}}"], "filter_string": "name = 'nope'"})
    dataset_call("ds.delete", "DELETE", "/{{ds}}")
    dataset_call("ds.get.deleted", "GET", "/{{ds}}")


# ============================================================================================
# Traces (MLflow 3): StartTraceV3, trace info, tags, search, assessments, link-to-run, delete.
# JSON REST only (no OTLP spans). Trace ids are fixed; the harness masks every 32-hex run of them
# to <uuid>, so each trace also carries a distinct preview / tag that keeps orders visible.

V3 = "/api/3.0/mlflow"
TR1 = "tr-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
TR2 = "tr-1b2c3d4e5f60718293a4b5c6d7e8f90a"
TR3 = "tr-2c3d4e5f60718293a4b5c6d7e8f90a1b"
NO_TRACE = "tr-ffffffffffffffffffffffffffffffff"
NO_ASSESSMENT = "a-00000000000000000000000000000000"
# The server-computed tag mlflow.artifactLocation is mlflow-artifacts:/<experiment_id>/traces/<id>/
# artifacts on both servers (no data-dir path in it), so it is compared as is.


def _iso(ms: int) -> str:
    import datetime as _dt

    return _dt.datetime.fromtimestamp(ms / 1000, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def traces() -> None:
    def v3(name, method, path, body=None, query=None, capture=None, **kw):
        return call(name, method, path, body, query, capture, base=V3, **kw)

    location = {"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "{{exp_s}}"}}

    def trace_info(trace_id, offset, state, preview, tags, metadata, duration="0.250s", exp=location):
        return {
            "trace": {
                "trace_info": {
                    "trace_id": trace_id,
                    "client_request_id": "client-" + preview,
                    "trace_location": exp,
                    "request_preview": '{"q": "' + preview + '"}',
                    "response_preview": '"answer ' + preview + '"',
                    "request_time": _iso(T0 + offset),
                    "execution_duration": duration,
                    "state": state,
                    "trace_metadata": metadata,
                    "tags": tags,
                }
            }
        }

    v3(
        "tr.start.one",
        "POST",
        "/traces",
        trace_info(
            TR1, 1000, "OK", "one",
            {"mlflow.traceName": "predict", "env": "dev", "team": "nlp"},
            {"mlflow.user": "alice", "mlflow.source.name": "diff.py", "mlflow.trace_schema.version": "3"},
        ),
    )
    v3(
        "tr.start.two_session_tokens",
        "POST",
        "/traces",
        trace_info(
            TR2, 2000, "ERROR", "two",
            {"mlflow.traceName": "chat", "env": "prod"},
            {
                "mlflow.user": "bob",
                "mlflow.trace.session": "sess-1",
                "mlflow.trace.tokenUsage": '{"input_tokens": 5, "output_tokens": 7, "total_tokens": 12}',
            },
            duration="1.500s",
        ),
    )
    v3("tr.start.three", "POST", "/traces", trace_info(TR3, 3000, "OK", "three", {"env": "dev"}, {}, duration="0s"))
    v3(
        "tr.start.unknown_experiment",
        "POST",
        "/traces",
        trace_info(NO_TRACE, 4000, "OK", "x", {}, {}, exp={"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "987654"}}),
    )

    v3("tr.get.found", "GET", f"/traces/{TR1}")
    v3("tr.get.session_tokens", "GET", f"/traces/{TR2}")
    v3("tr.get.missing", "GET", f"/traces/{NO_TRACE}")
    v3("tr.get_full.missing", "GET", "/traces/get", query={"trace_id": NO_TRACE, "allow_partial": "True"})
    v3("tr.batch_get.no_spans", "GET", "/traces/batchGet", query={"trace_ids": [TR1, TR2]})

    v2_tags, v3_tags = f"/traces/{TR1}/tags", f"/traces/{TR2}/tags"
    call("tr.tags.set_v2", "PATCH", v2_tags, {"key": "stage", "value": "review"})
    v3("tr.tags.set_v3", "PATCH", v3_tags, {"key": "stage", "value": "done"})
    call("tr.tags.set_trace_name", "PATCH", f"/traces/{TR3}/tags", {"key": "mlflow.traceName", "value": "renamed"})
    call("tr.tags.set_immutable", "PATCH", v2_tags, {"key": "mlflow.trace.spansLocation", "value": "ARTIFACT_REPO"})
    call("tr.tags.set_unknown_trace", "PATCH", f"/traces/{NO_TRACE}/tags", {"key": "stage", "value": "x"})
    call("tr.tags.delete_v2", "DELETE", v2_tags, {"key": "team"})
    v3("tr.tags.delete_v3", "DELETE", v3_tags, {"key": "env"})
    call("tr.tags.delete_immutable", "DELETE", v2_tags, {"key": "mlflow.trace.spansLocation"})
    v3("tr.get.after_tags", "GET", f"/traces/{TR1}")

    def search_traces(name, capture=None, **body):
        return v3(
            "tr.search." + name, "POST", "/traces/search", {"locations": [location], **body}, capture=capture,
            mask=["traces.[].assessments.[].last_update_time"],
            # MLflow reads a trace's assessments through an unordered relationship.
            sort=["traces[].assessments"],
        )

    search_traces("default")
    search_traces("tag_filter", filter="tags.env = 'dev'")
    search_traces("timestamp_filter", filter=f"timestamp_ms > {T0 + 1500}")
    search_traces("status_and_name", filter="trace.status = 'OK' AND name = 'renamed'")
    search_traces("session", filter="metadata.`mlflow.trace.session` = 'sess-1'")
    search_traces("order_by_timestamp_asc", order_by=["timestamp_ms ASC"])
    search_traces("page1", {"tr_tok": "next_page_token"}, max_results=2, order_by=["timestamp_ms ASC"])
    search_traces("page2", max_results=2, order_by=["timestamp_ms ASC"], page_token="{{tr_tok}}")
    search_traces("bad_filter_or", filter="tags.env = 'dev' OR tags.env = 'prod'")
    search_traces("max_results_over_500", max_results=501)

    A = f"/traces/{TR1}/assessments"
    created = _iso(T0 + 10_000)
    v3(
        "tr.assess.create_feedback",
        "POST",
        A,
        {
            "assessment": {
                "assessment_name": "quality",
                "trace_id": TR1,
                "source": {"source_type": "HUMAN", "source_id": "bob"},
                "create_time": created,
                "last_update_time": created,
                "feedback": {"value": True},
                "rationale": "good",
                "metadata": {"k": "v"},
                "valid": True,
            }
        },
        capture={"fb": "assessment.assessment_id"},
    )
    v3(
        "tr.assess.create_expectation",
        "POST",
        A,
        {
            "assessment": {
                "assessment_name": "expected",
                "trace_id": TR1,
                "source": {"source_type": "HUMAN", "source_id": "carol"},
                "create_time": created,
                "last_update_time": created,
                "expectation": {"serialized_value": {"serialization_format": "JSON_FORMAT", "value": '{"answer": 42}'}},
            }
        },
        capture={"ex": "assessment.assessment_id"},
    )
    v3(
        "tr.assess.create_unknown_trace",
        "POST",
        f"/traces/{NO_TRACE}/assessments",
        {"assessment": {"assessment_name": "q", "trace_id": NO_TRACE, "source": {"source_type": "CODE", "source_id": "x"}, "feedback": {"value": 1}}},
    )
    v3("tr.assess.get", "GET", A + "/{{fb}}")
    v3("tr.assess.get_missing", "GET", A + "/" + NO_ASSESSMENT)
    v3(
        "tr.assess.update",
        "PATCH",
        A + "/{{fb}}",
        {
            "assessment": {"assessment_id": "{{fb}}", "trace_id": TR1, "assessment_name": "quality2", "feedback": {"value": 0.5}, "rationale": "meh"},
            "update_mask": "assessmentName,feedback,rationale",
        },
        mask=["assessment.last_update_time"],
    )
    v3(
        "tr.assess.update_feedback_on_expectation",
        "PATCH",
        A + "/{{ex}}",
        {"assessment": {"assessment_id": "{{ex}}", "trace_id": TR1, "feedback": {"value": 1}}, "update_mask": "feedback"},
    )
    v3(
        "tr.assess.override",
        "POST",
        A,
        {
            "assessment": {
                "assessment_name": "quality2",
                "trace_id": TR1,
                "source": {"source_type": "CODE", "source_id": "default"},
                "create_time": created,
                "last_update_time": created,
                "feedback": {"value": False},
                "overrides": "{{fb}}",
            }
        },
        capture={"fb2": "assessment.assessment_id"},
    )
    v3("tr.assess.get_overridden", "GET", A + "/{{fb}}", mask=["assessment.last_update_time"])
    v3(
        "tr.assess.in_trace_info",
        "GET",
        f"/traces/{TR1}",
        mask=["trace.trace_info.assessments.[].last_update_time"],
        sort=["trace.trace_info.assessments"],
    )
    v3("tr.assess.delete_override", "DELETE", A + "/{{fb2}}", {"trace_id": TR1, "assessment_id": "{{fb2}}"})
    v3("tr.assess.get_restored", "GET", A + "/{{fb}}", mask=["assessment.last_update_time"])
    v3("tr.assess.delete_missing", "DELETE", A + "/" + NO_ASSESSMENT, {"trace_id": TR1, "assessment_id": NO_ASSESSMENT})

    post("tr.link.ok", "/traces/link-to-run", {"trace_ids": [TR1, TR3], "run_id": "{{s1}}"})
    post("tr.link.unknown_run", "/traces/link-to-run", {"trace_ids": [TR1], "run_id": NO_RUN})
    search_traces("by_run_id", filter="attribute.run_id = '{{s1}}'")

    post("tr.delete.by_ids", "/traces/delete-traces", {"experiment_id": "{{exp_s}}", "request_ids": [TR3]})
    post("tr.delete.max_traces_zero", "/traces/delete-traces", {"experiment_id": "{{exp_s}}", "max_timestamp_millis": T0, "max_traces": 0})
    post("tr.delete.neither", "/traces/delete-traces", {"experiment_id": "{{exp_s}}"})
    post("tr.delete.both", "/traces/delete-traces", {"experiment_id": "{{exp_s}}", "max_timestamp_millis": T0, "request_ids": [TR3]})
    post("tr.delete.ids_with_max_traces", "/traces/delete-traces", {"experiment_id": "{{exp_s}}", "request_ids": [TR3], "max_traces": 1})
    v3("tr.delete.by_timestamp_v3", "POST", "/traces/delete-traces", {"experiment_id": "{{exp_s}}", "max_timestamp_millis": T0 + 1500, "max_traces": 10})
    v3("tr.get.deleted", "GET", f"/traces/{TR3}")
    search_traces("after_delete")


# ============================================================================================
# Trace analytics (MLflow 3): QueryTraceMetrics and CalculateTraceFilterCorrelation over traces
# started through StartTraceV3 (no spans: span views answer empty), with session and token usage
# metadata, and feedback. Request times are fixed, so time buckets compare as they are.

TM1 = "tr-3d4e5f60718293a4b5c6d7e8f90a1b2c"
TM2 = "tr-4e5f60718293a4b5c6d7e8f90a1b2c3d"
TM3 = "tr-5f60718293a4b5c6d7e8f90a1b2c3d4e"
TM4 = "tr-60718293a4b5c6d7e8f90a1b2c3d4e5f"


def trace_metrics() -> None:
    post("tm.setup.experiment", "/experiments/create", {"name": "diff-trace-metrics"}, {"exp_tm": "experiment_id"})
    location = {"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "{{exp_tm}}"}}

    def v3(name, path, body, **kw):
        return _add({"name": name, "method": "POST", "path": V3 + path, "json": body, **kw})

    # Both servers rewrite token usage metadata into MLflow's normal form when they store it
    # (6.0 -> 6, "26" -> 26, non-counts dropped): the StartTraceV3 answers show it.
    def start(name, trace_id, offset, state, duration, trace_name, metadata, mask=()):
        info = {
            "trace_id": trace_id,
            "trace_location": location,
            "request_time": _iso(T0 + offset),
            "execution_duration": duration,
            "state": state,
            "trace_metadata": metadata,
            "tags": {"mlflow.traceName": trace_name, "env": "dev" if offset < 100_000 else "prod"},
        }
        v3(name, "/traces", {"trace": {"trace_info": info}}, mask=list(mask))

    start(
        "tm.start.one", TM1, 0, "OK", "0.040s", "chat",
        {
            "mlflow.trace.session": "s1",
            "mlflow.trace.tokenUsage": '{"input_tokens": 10, "output_tokens": 4, "total_tokens": 14}',
            "mlflow.trace.cost": '{"input_cost": 0.5, "output_cost": 0.25, "total_cost": 0.75}',
        },
    )
    start(
        "tm.start.two", TM2, 30_000, "OK", "0.010s", "chat",
        {
            "mlflow.trace.session": "s1",
            "mlflow.trace.tokenUsage": '{"input_tokens": 20, "output_tokens": 6.0, "total_tokens": "26", "cache_read_input_tokens": 3}',
        },
    )
    start("tm.start.three", TM3, 61_000, "ERROR", "0.100s", "agent", {"mlflow.trace.session": "s2"})
    start(
        "tm.start.four", TM4, 3_600_000, "OK", "0.025s", "agent",
        {"mlflow.trace.tokenUsage": '{"input_tokens": 1.5, "output_tokens": true, "total_tokens": 2}'},
    )
    for i, (trace_id, name, value) in enumerate(
        [(TM1, "quality", True), (TM2, "quality", False), (TM3, "quality", "yes"), (TM4, "quality", "maybe"),
         (TM1, "score", 0.5), (TM2, "score", 0.75), (TM3, "score", 3)]
    ):
        v3(
            f"tm.assess.{i}",
            f"/traces/{trace_id}/assessments",
            {"assessment": {"assessment_name": name, "trace_id": trace_id, "source": {"source_type": "HUMAN", "source_id": "bob"},
                            "create_time": _iso(T0 + 10_000), "last_update_time": _iso(T0 + 10_000), "feedback": {"value": value}}},
            mask=["assessment.assessment_id", "assessment.create_time", "assessment.last_update_time"],
        )
    v3(
        "tm.assess.expectation",
        f"/traces/{TM1}/assessments",
        {"assessment": {"assessment_name": "expected", "trace_id": TM1, "source": {"source_type": "HUMAN", "source_id": "bob"},
                        "expectation": {"value": "hello"}}},
        mask=["assessment.assessment_id", "assessment.create_time", "assessment.last_update_time"],
    )

    def metrics(name, view, metric, aggregations, **body):
        aggs = [{"aggregation_type": a} if isinstance(a, str) else {"aggregation_type": "PERCENTILE", "percentile_value": a} for a in aggregations]
        request = {"experiment_ids": ["{{exp_tm}}"], "view_type": view, "metric_name": metric, "aggregations": aggs, **body}
        return v3("tm.metrics." + name, "/traces/metrics", request)

    # Valid requests.
    metrics("trace_count", "TRACES", "trace_count", ["COUNT"])
    metrics("trace_count_by_name_status", "TRACES", "trace_count", ["COUNT"], dimensions=["trace_name", "trace_status"])
    metrics("session_count", "TRACES", "session_count", ["COUNT"])
    metrics("latency", "TRACES", "latency", ["AVG", "MIN", "MAX", 0, 33.3, 50, 90, 99.9, 100])
    metrics("latency_by_name", "TRACES", "latency", ["AVG", 50], dimensions=["trace_name"])
    metrics("input_tokens", "TRACES", "input_tokens", ["SUM", "AVG", "MIN", "MAX", 50])
    metrics("output_tokens", "TRACES", "output_tokens", ["SUM"])
    metrics("total_tokens_by_name", "TRACES", "total_tokens", ["SUM", "MAX"], dimensions=["trace_name"])
    metrics("cache_read_tokens", "TRACES", "cache_read_input_tokens", ["SUM"])
    metrics("cache_creation_tokens_none", "TRACES", "cache_creation_input_tokens", ["SUM"])
    metrics("bucket_minute", "TRACES", "trace_count", ["COUNT"], time_interval_seconds=60, start_time_ms=T0, end_time_ms=T0 + 86_400_000)
    metrics(
        "bucket_hour_by_status", "TRACES", "trace_count", ["COUNT"], dimensions=["trace_status"],
        time_interval_seconds=3600, start_time_ms=T0 - 1, end_time_ms=T0 + 86_400_000,
    )
    metrics("range_inclusive", "TRACES", "trace_count", ["COUNT"], start_time_ms=T0 + 30_000, end_time_ms=T0 + 61_000)
    metrics("range_empty", "TRACES", "latency", ["AVG"], start_time_ms=T0 + 1, end_time_ms=T0 + 2)
    metrics("filter_status", "TRACES", "trace_count", ["COUNT"], filters=["trace.status = 'OK'"])
    metrics("filter_trace_name", "TRACES", "latency", ["MAX"], filters=["trace.tag.mlflow.traceName = 'chat'"])
    metrics("filter_tag", "TRACES", "trace_count", ["COUNT"], filters=["trace.tag.env = \"prod\""])
    metrics("filter_two", "TRACES", "trace_count", ["COUNT"], filters=["trace.status = 'OK'", "trace.tag.env = 'dev'"])
    metrics("filter_session", "TRACES", "trace_count", ["COUNT"], filters=["trace.metadata.`mlflow.trace.session` = 's1'"])
    metrics(
        "filter_tokens_canonical", "TRACES", "trace_count", ["COUNT"],
        filters=['trace.metadata.mlflow.trace.tokenUsage = \'{"input_tokens": 20, "output_tokens": 6, "total_tokens": 26, "cache_read_input_tokens": 3}\''],
    )
    metrics(
        "filter_tokens_as_sent", "TRACES", "trace_count", ["COUNT"],
        filters=['trace.metadata.mlflow.trace.tokenUsage = \'{"input_tokens": 20, "output_tokens": 6.0, "total_tokens": "26", "cache_read_input_tokens": 3}\''],
    )
    metrics(
        "filter_cost", "TRACES", "trace_count", ["COUNT"],
        filters=['trace.metadata.mlflow.trace.cost = \'{"input_cost": 0.5, "output_cost": 0.25, "total_cost": 0.75}\''],
    )
    metrics("filter_other_metadata", "TRACES", "trace_count", ["COUNT"], filters=["trace.metadata.nope = 'x'"])
    metrics("max_results_one", "TRACES", "trace_count", ["COUNT"], dimensions=["trace_name"], max_results=1)
    metrics("max_results_zero", "TRACES", "trace_count", ["COUNT"], max_results=0)
    metrics("max_results_string", "TRACES", "trace_count", ["COUNT"], max_results="5")
    metrics("page_token_ignored", "TRACES", "trace_count", ["COUNT"], page_token="anything")
    v3("tm.metrics.percentile_nan_value", "/traces/metrics", {"experiment_ids": ["{{exp_tm}}"], "view_type": "TRACES", "metric_name": "latency",
       "aggregations": [{"aggregation_type": "AVG"}, {"aggregation_type": "PERCENTILE", "percentile_value": "NaN"}]})
    v3("tm.metrics.percentile_string", "/traces/metrics", {"experiment_ids": ["{{exp_tm}}"], "view_type": "TRACES", "metric_name": "latency",
       "aggregations": [{"aggregation_type": "PERCENTILE", "percentile_value": "12.5"}]})
    v3("tm.metrics.enum_numbers", "/traces/metrics", {"experiment_ids": ["{{exp_tm}}"], "view_type": 1, "metric_name": "latency",
       "aggregations": [{"aggregation_type": 6}, {"aggregation_type": 3}]})
    metrics("no_experiments", "TRACES", "trace_count", ["COUNT"], experiment_ids=[])
    metrics("unknown_experiment", "TRACES", "trace_count", ["COUNT"], experiment_ids=["987654"])
    metrics("spans_count", "SPANS", "span_count", ["COUNT"], dimensions=[])
    metrics("spans_count_by_type", "SPANS", "span_count", ["COUNT"], dimensions=["span_type"])
    metrics("spans_cost", "SPANS", "total_cost", ["SUM"], filters=["span.type = 'LLM'"])
    metrics("assessment_count_by_name", "ASSESSMENTS", "assessment_count", ["COUNT"], dimensions=["assessment_name"])
    metrics("assessment_count_by_value", "ASSESSMENTS", "assessment_count", ["COUNT"], dimensions=["assessment_name", "assessment_value"])
    metrics("assessment_value_by_name", "ASSESSMENTS", "assessment_value", ["AVG", "MIN", "MAX", 50], dimensions=["assessment_name"])
    metrics("assessment_type_filter", "ASSESSMENTS", "assessment_count", ["COUNT"], filters=["assessment.type = 'expectation'"])
    metrics("assessment_trace_filter", "ASSESSMENTS", "assessment_value", ["AVG"], filters=["trace.status = 'OK'", "assessment.name = 'score'"])
    metrics(
        "assessment_bucket", "ASSESSMENTS", "assessment_count", ["COUNT"], dimensions=["assessment_name"],
        time_interval_seconds=86_400, start_time_ms=0, end_time_ms=T0 + 86_400_000,
    )

    # Invalid requests.
    metrics("bad_metric", "TRACES", "span_count", ["COUNT"])
    metrics("bad_aggregations", "TRACES", "trace_count", ["SUM", "AVG", "SUM"])
    metrics("bad_dimensions", "SPANS", "latency", ["AVG"], dimensions=["span_type", "trace_name"])
    metrics("interval_without_range", "TRACES", "trace_count", ["COUNT"], time_interval_seconds=60, start_time_ms=T0)
    metrics("bad_experiment_id", "TRACES", "trace_count", ["COUNT"], experiment_ids=["abc"])
    metrics("experiment_ids_not_list", "TRACES", "trace_count", ["COUNT"], experiment_ids="1")
    metrics("experiment_ids_item_type", "TRACES", "trace_count", ["COUNT"], experiment_ids=["1", 2])
    metrics("dimensions_item_type", "TRACES", "trace_count", ["COUNT"], dimensions=[5])
    metrics("filters_not_list", "TRACES", "trace_count", ["COUNT"], filters="trace.status = 'OK'")
    metrics("metric_name_type", "TRACES", 5, ["COUNT"])
    metrics("interval_type", "TRACES", "trace_count", ["COUNT"], time_interval_seconds="soon")
    metrics("page_token_type", "TRACES", "trace_count", ["COUNT"], page_token=5)
    v3("tm.metrics.missing_view_type", "/traces/metrics", {"experiment_ids": ["{{exp_tm}}"], "metric_name": "trace_count", "aggregations": [{"aggregation_type": "COUNT"}]})
    v3("tm.metrics.missing_experiment_ids", "/traces/metrics", {"view_type": "TRACES", "metric_name": "trace_count", "aggregations": [{"aggregation_type": "COUNT"}]})
    v3("tm.metrics.missing_metric_name", "/traces/metrics", {"experiment_ids": ["{{exp_tm}}"], "view_type": "TRACES", "metric_name": "", "aggregations": [{"aggregation_type": "COUNT"}]})
    v3("tm.metrics.missing_aggregations", "/traces/metrics", {"experiment_ids": ["{{exp_tm}}"], "view_type": "TRACES", "metric_name": "trace_count"})
    v3("tm.metrics.aggregations_not_list", "/traces/metrics", {"experiment_ids": ["{{exp_tm}}"], "view_type": "TRACES", "metric_name": "trace_count", "aggregations": {"aggregation_type": "COUNT"}})
    for name, f, view in [
        ("filter_span_on_traces", "span.name = 'x'", "TRACES"),
        ("filter_assessment_on_spans", "assessment.name = 'x'", "SPANS"),
        ("filter_not_equal", "trace.status != 'OK'", "TRACES"),
        ("filter_and", "trace.status = 'OK' AND trace.status = 'ERROR'", "TRACES"),
        ("filter_empty", "", "TRACES"),
        ("filter_unquoted", "trace.status = OK", "TRACES"),
        ("filter_number", "trace.status = 5", "TRACES"),
        ("filter_bad_view", "run.status = 'OK'", "TRACES"),
        ("filter_bad_entity", "trace.name = 'chat'", "TRACES"),
        ("filter_key_required", "trace.tag = 'x'", "TRACES"),
        ("filter_key_not_wanted", "span.type.x = 'LLM'", "SPANS"),
        ("filter_bare_identifier", "status = 'OK'", "TRACES"),
        ("filter_in", "trace.status IN ('OK')", "TRACES"),
        ("filter_two_statements", "trace.status = 'OK'; trace.status = 'x'", "TRACES"),
    ]:
        metric = {"TRACES": "trace_count", "SPANS": "span_count"}[view]
        metrics(name, view, metric, ["COUNT"], filters=[f])
    # Stricter than MLflow (allowlist.json): unknown enum names and values, malformed aggregations.
    metrics("bad_view_type_name", "EVERYTHING", "trace_count", ["COUNT"])
    metrics("bad_aggregation_name", "TRACES", "trace_count", ["TOTAL"])
    metrics("empty_aggregations", "TRACES", "trace_count", [])
    v3("tm.metrics.aggregation_without_type", "/traces/metrics", {"experiment_ids": ["{{exp_tm}}"], "view_type": "TRACES", "metric_name": "trace_count", "aggregations": [{}]})
    metrics("percentile_over_100", "TRACES", "latency", [100.5])
    v3("tm.metrics.percentile_without_value", "/traces/metrics", {"experiment_ids": ["{{exp_tm}}"], "view_type": "TRACES", "metric_name": "latency", "aggregations": [{"aggregation_type": "PERCENTILE"}]})
    v3("tm.metrics.percentile_value_on_count", "/traces/metrics", {"experiment_ids": ["{{exp_tm}}"], "view_type": "TRACES", "metric_name": "trace_count", "aggregations": [{"aggregation_type": "COUNT", "percentile_value": 50}]})
    metrics("max_results_fraction", "TRACES", "trace_count", ["COUNT"], max_results=1.5)

    def correlation(name, body, exps=("{{exp_tm}}",)):
        return v3("tm.correlation." + name, "/traces/calculate-filter-correlation", {"experiment_ids": list(exps), **body})

    correlation("status_and_name", {"filter_string1": "trace.status = 'OK'", "filter_string2": "name = 'chat'"})
    correlation("never_together", {"filter_string1": "trace.status = 'ERROR'", "filter_string2": "name = 'chat'"})
    correlation("same_filter", {"filter_string1": "name = 'chat'", "filter_string2": "name = 'chat'"})
    correlation(
        "always_together",
        {"filter_string1": f"timestamp_ms < {T0 + 100_000}", "filter_string2": "tags.env = 'dev'", "base_filter": "tags.env = 'dev'"},
    )
    correlation("feedback", {"filter_string1": "feedback.score > 0.6", "filter_string2": "trace.status = 'OK'"})
    correlation("metadata", {"filter_string1": "metadata.`mlflow.trace.session` = 's1'", "filter_string2": "execution_time_ms > 20"})
    correlation("base_filter", {"filter_string1": "trace.status = 'OK'", "filter_string2": "name = 'chat'", "base_filter": "tags.env = 'dev'"})
    correlation("base_filter_empty", {"filter_string1": "trace.status = 'OK'", "filter_string2": "name = 'chat'", "base_filter": ""})
    correlation("no_support", {"filter_string1": "name = 'nobody'", "filter_string2": "name = 'chat'"})
    correlation("unknown_experiment", {"filter_string1": "name = 'chat'", "filter_string2": "name = 'agent'"}, exps=("987654",))
    correlation("no_experiments", {"filter_string1": "name = 'chat'", "filter_string2": "name = 'agent'"}, exps=())
    correlation("missing_filter1", {"filter_string2": "name = 'chat'"})
    correlation("empty_filter2", {"filter_string1": "name = 'chat'", "filter_string2": ""})
    correlation("filter_type", {"filter_string1": 5, "filter_string2": "name = 'chat'"})
    correlation("base_filter_type", {"filter_string1": "name = 'chat'", "filter_string2": "name = 'x'", "base_filter": 5})
    correlation("bad_filter", {"filter_string1": "name = 'chat' OR name = 'x'", "filter_string2": "name = 'x'"})
    correlation("bad_key", {"filter_string1": "bogus = 'chat'", "filter_string2": "name = 'x'"})
    correlation("bad_base_filter", {"filter_string1": "name = 'chat'", "filter_string2": "name = 'x'", "base_filter": "name = "})
    correlation("bad_experiment_id", {"filter_string1": "name = 'chat'", "filter_string2": "name = 'x'"}, exps=("abc",))
    v3("tm.correlation.missing_experiment_ids", "/traces/calculate-filter-correlation", {"filter_string1": "name = 'chat'", "filter_string2": "name = 'x'"})
    v3("tm.correlation.experiment_ids_not_list", "/traces/calculate-filter-correlation", {"experiment_ids": "1", "filter_string1": "name = 'chat'", "filter_string2": "name = 'x'"})
# Traces, the deprecated V2 endpoints 3.17 still serves: StartTrace, EndTrace, GetTraceInfo and
# SearchTraces. Request ids are random 32-hex (masked to <uuid>); MLflow lists request_metadata in
# row order, which its map semantics leave unspecified, so those lists are compared sorted.


def traces_v2() -> None:
    meta = ["trace_info.request_metadata"]
    post("tr2.exp", "/experiments/create", {"name": "diff-traces-v2"}, {"exp_v2": "experiment_id"})
    post(
        "tr2.start.full",
        "/traces",
        {
            "experiment_id": "{{exp_v2}}",
            "timestamp_ms": T0 + 1000,
            "request_metadata": [kv("mlflow.user", "alice"), kv("mlflow.trace.session", "s-1"), {"key": "empty"}],
            "tags": [kv("mlflow.traceName", "first"), kv("env", "dev"), kv("env", "prod")],
        },
        {"v2a": "trace_info.request_id"},
        sort=meta,
    )
    post("tr2.start.defaults", "/traces", {"experiment_id": "{{exp_v2}}"}, {"v2b": "trace_info.request_id"})
    post("tr2.start.second", "/traces", {"experiment_id": "{{exp_v2}}", "timestamp_ms": T0 + 2000, "tags": [kv("env", "dev")]}, {"v2c": "trace_info.request_id"})
    post("tr2.start.no_experiment_id", "/traces", {"timestamp_ms": T0})
    post("tr2.start.bad_experiment_id", "/traces", {"experiment_id": "abc"})
    post("tr2.start.experiment_id_number", "/traces", {"experiment_id": 1})
    post("tr2.start.unknown_experiment", "/traces", {"experiment_id": "987654"})
    post("tr2.start.bad_timestamp", "/traces", {"experiment_id": "{{exp_v2}}", "timestamp_ms": "12x"})
    post("tr2.start.tag_without_key", "/traces", {"experiment_id": "{{exp_v2}}", "tags": [{"value": "x"}]})
    post("tr2.start.tags_as_map", "/traces", {"experiment_id": "{{exp_v2}}", "tags": {"a": "b"}})
    post("tr2.start.metadata_empty_key", "/traces", {"experiment_id": "{{exp_v2}}", "request_metadata": [{"key": ""}]})

    end = "/traces/{{v2a}}"
    call(
        "tr2.end.ok",
        "PATCH",
        end,
        {
            "timestamp_ms": T0 + 1250,
            "status": "OK",
            "request_metadata": [kv("step", "2")],
            "tags": [kv("mlflow.traceName", "renamed"), kv("env", "staging")],
        },
        sort=meta,
    )
    call("tr2.end.status_number", "PATCH", "/traces/{{v2c}}", {"timestamp_ms": T0 + 2500, "status": 2})
    call("tr2.end.status_unknown_number", "PATCH", "/traces/{{v2b}}", {"timestamp_ms": 5, "status": 7})
    call("tr2.end.bad_timestamp", "PATCH", "/traces/{{v2b}}", {"timestamp_ms": "x", "status": "OK"})
    call("tr2.end.no_status", "PATCH", "/traces/{{v2b}}", {"timestamp_ms": 5})
    call("tr2.end.unknown_trace", "PATCH", f"/traces/{NO_RUN}", {"timestamp_ms": 5, "status": "OK"})

    get("tr2.get.ended", "/traces/{{v2a}}/info", sort=meta)
    get("tr2.get.still_running", "/traces/{{v2b}}/info")
    get("tr2.get.missing", f"/traces/{NO_RUN}/info")
    get("tr2.get.v3_trace", f"/traces/{TR2}/info", sort=meta)

    listed = ["traces[].request_metadata"]
    get("tr2.search.default", "/traces", {"experiment_ids": "{{exp_v2}}"}, sort=listed)
    get("tr2.search.filter", "/traces", {"experiment_ids": "{{exp_v2}}", "filter": "status = 'OK' AND tags.env = 'staging'"}, sort=listed)
    get("tr2.search.order_by", "/traces", {"experiment_ids": "{{exp_v2}}", "order_by": ["timestamp_ms ASC"]}, sort=listed)
    get("tr2.search.page1", "/traces", {"experiment_ids": "{{exp_v2}}", "max_results": "2"}, {"v2_tok": "next_page_token"}, sort=listed)
    get("tr2.search.page2", "/traces", {"experiment_ids": "{{exp_v2}}", "max_results": "2", "page_token": "{{v2_tok}}"}, sort=listed)
    get("tr2.search.two_experiments", "/traces", {"experiment_ids": ["{{exp_v2}}", "{{exp_s}}"], "filter": "tags.env = 'prod'"}, sort=listed)
    get("tr2.search.no_match", "/traces", {"experiment_ids": "{{exp_v2}}", "filter": "name = 'none'"})
    get("tr2.search.no_experiment_ids", "/traces")
    get("tr2.search.max_results_over_500", "/traces", {"experiment_ids": "{{exp_v2}}", "max_results": "501"})
    get("tr2.search.max_results_zero", "/traces", {"experiment_ids": "{{exp_v2}}", "max_results": "0"})
    get("tr2.search.bad_filter", "/traces", {"experiment_ids": "{{exp_v2}}", "filter": "status = 'OK' OR status = 'ERROR'"})
    get("tr2.search.bad_page_token", "/traces", {"experiment_ids": "{{exp_v2}}", "page_token": "xx"})


# ============================================================================================
# Trace search filters (SearchTracesV3) over traces with spans: spans sent as OTLP/JSON to
# /v1/traces, then StartTraceV3 for tags and metadata, assessments through the REST API. Trace ids
# are masked, so each trace is told apart by its name tag (alpha, beta, gamma).

TF = ["tr-0f0e0d0c0b0a09080706050403020100", "tr-1f0e0d0c0b0a09080706050403020100", "tr-2f0e0d0c0b0a09080706050403020100"]


def _otlp_trace(trace_id: str, n: int, child: str, child_type: str, model: str, question: str, error: bool) -> str:
    """Two spans as OTLP/JSON, attribute values plain strings as MLflow's client sends them."""
    import json as _json

    start = (T0 + 10_000 * (n + 1)) * 1_000_000

    def attr(key, value):
        return {"key": key, "value": {"stringValue": value}}

    root_id, child_id = f"{n + 1:x}" * 16, f"{n + 10:x}" * 16
    spans = [
        {
            "traceId": trace_id[3:], "spanId": root_id, "name": "root", "kind": 1,
            "startTimeUnixNano": str(start), "endTimeUnixNano": str(start + 300_000_000),
            "attributes": [attr("mlflow.spanType", "CHAIN"), attr("mlflow.spanInputs", question)],
            "status": {"code": 2 if error else 1},
        },
        {
            "traceId": trace_id[3:], "spanId": child_id, "parentSpanId": root_id, "name": child, "kind": 1,
            "startTimeUnixNano": str(start + 1_000_000), "endTimeUnixNano": str(start + 200_000_000),
            "attributes": [attr("mlflow.spanType", child_type), attr("model", model),
                           attr("mlflow.spanOutputs", "Rome" if n else "Paris")],
            "status": {"code": 1},
        },
    ]
    return _json.dumps({"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{"scope": {"name": "diff"}, "spans": spans}]}]})


def trace_filters() -> None:
    post("trf.exp", "/experiments/create", {"name": "diff-trace-filters"}, {"exp_f": "experiment_id"})
    location = {"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "{{exp_f}}"}}
    setups = [
        ("alpha", "retrieve", "RETRIEVER", "gpt-4", "What is MLflow?", False, {"env": "dev"},
         {"mlflow.trace.session": "s1", "mlflow.sourceRun": "{{s1}}"}, "cr-a"),
        ("beta", "llm", "LLM", "claude-3", "Where is Rome?", True, {"env": "prod", "team": "x"},
         {"mlflow.trace.tokenUsage": '{"input_tokens": 5, "output_tokens": 7, "total_tokens": 12}'}, "cr-b"),
        ("gamma", "llm", "TOOL", "gpt-4o", "Capital of France", False, {"env": "dev"},
         {"mlflow.trace.session": "s1"}, None),
    ]
    for n, (name, child, ctype, model, question, error, tags, metadata, crid) in enumerate(setups):
        raw(
            f"trf.otlp.{name}", "POST", "/v1/traces",
            body=_otlp_trace(TF[n], n, child, ctype, model, question, error),
            headers={"Content-Type": "application/json", "x-mlflow-experiment-id": "{{exp_f}}"},
        )
        info = {
            "trace_id": TF[n], "trace_location": location, "request_time": _iso(T0 + 10_000 * (n + 1)),
            "execution_duration": "0.300s", "state": "ERROR" if error else "OK",
            "tags": {"mlflow.traceName": name, **tags}, "trace_metadata": metadata,
        }
        if crid:
            info["client_request_id"] = crid
        # MLflow's answer to a StartTraceV3 that merges into the trace its spans made leaves out the
        # tags it stored (read back later they are there); the searches below compare them.
        _add({"name": f"trf.start.{name}", "method": "POST", "path": V3 + "/traces", "json": {"trace": {"trace_info": info}},
              "mask": ["trace.trace_info.tags", "trace.trace_info.trace_metadata", "trace.trace_info.request_preview",
                       "trace.trace_info.response_preview"]})

    created = _iso(T0 + 100_000)

    def assess(label, n, body):
        body = {"trace_id": TF[n], "source": {"source_type": "HUMAN", "source_id": "bob"}, "create_time": created,
                "last_update_time": created, **body}
        _add({"name": f"trf.assess.{label}", "method": "POST", "path": V3 + f"/traces/{TF[n]}/assessments",
              "json": {"assessment": body}, "mask": ["assessment"]})

    assess("beta_quality", 1, {"assessment_name": "quality", "feedback": {"value": 0.8}})
    assess("gamma_quality", 2, {"assessment_name": "quality", "feedback": {"value": True}})
    assess("gamma_tone", 2, {"assessment_name": "tone", "feedback": {"value": "friendly"}})
    assess("alpha_tone", 0, {"assessment_name": "tone", "feedback": {"value": "curt"}})
    assess("alpha_answer", 0, {"assessment_name": "answer", "expectation": {"value": "Paris"}})
    # A session-level assessment: logged on alpha, it counts for gamma too (same session s1).
    assess("alpha_session", 0, {"assessment_name": "coherent", "feedback": {"value": "yes"}, "metadata": {"mlflow.trace.session": "s1"}})

    def search(label, flt):
        _add({
            "name": f"trf.search.{label}", "method": "POST", "path": V3 + "/traces/search",
            "json": {"locations": [location], "filter": flt, "max_results": 10},
            # Only which traces come back (and in what order) is compared here.
            "mask": ["traces.[].trace_metadata", "traces.[].assessments", "traces.[].request_preview",
                     "traces.[].response_preview", "traces.[].execution_duration", "traces.[].request_time"],
        })

    for label, flt in [
        ("status_rlike", "status RLIKE '^E'"),
        ("status_rlike_inline_flag", "status RLIKE '(?i)ok'"),
        ("name_rlike", "name RLIKE 'a$'"),
        ("name_rlike_bad_pattern", "name RLIKE '['"),
        ("name_is_null", "name IS NULL"),
        ("name_is_not_null", "tags.`mlflow.traceName` IS NOT NULL"),
        ("name_in_refused", "name IN ('alpha', 'beta')"),
        ("tags_name_is_trace_name", "tags.name = 'alpha'"),
        ("client_request_id_rlike", "client_request_id RLIKE 'b$'"),
        ("client_request_id_in", "client_request_id IN ('cr-a', 'cr-b')"),
        ("client_request_id_is_null_refused", "client_request_id IS NULL"),
        ("tag_rlike", "tags.env RLIKE '^p'"),
        ("tag_in_refused", "tags.env IN ('dev')"),
        ("metadata_rlike", "metadata.`mlflow.trace.session` RLIKE '1$'"),
        ("run_id_not_equal", "run_id != '{{s1}}'"),
        ("run_id_like", "run_id LIKE '%'"),
        ("run_id_is_null", "run_id IS NULL"),
        ("run_id_in_refused", "run_id IN ('{{s1}}')"),
        ("timestamp_text_value", f"timestamp_ms > '{T0}'"),
        ("end_time_text_value", "end_time_ms > '5'"),
        ("timestamp_bare_text_refused", "timestamp = 'x'"),
        ("timestamp_bare_integer", f"timestamp > {T0 + 15_000}"),
        ("text_bare_refused", "text LIKE '%Rome%'"),
        ("trace_text", "trace.text LIKE '%Rome%'"),
        ("trace_text_and_span", "trace.text ILIKE '%rome%' AND span.name = 'llm'"),
        # Span conditions hold on one span: beta's question is on its root, not on its llm span.
        ("trace_text_same_span", "trace.text ILIKE '%where%' AND span.name = 'llm'"),
        ("span_name_rlike", "span.name RLIKE '^r'"),
        ("span_type_in", "span.type IN ('LLM', 'TOOL')"),
        ("span_status_rlike", "span.status RLIKE 'ERR'"),
        ("span_attribute_rlike", "span.attributes.model RLIKE 'gpt'"),
        ("span_attribute_rlike_anchored", "span.attributes.model RLIKE '^gpt-4$'"),
        ("span_attribute_equals", "span.attributes.model = 'gpt-4'"),
        ("span_attribute_not_equals", "span.attributes.model != 'gpt-4'"),
        ("span_attribute_empty_name", "span.attributes. = 'x'"),
        ("span_lowercase_comparator", "span.name like 'l%'"),
        ("span_is_null_refused", "span.name IS NULL"),
        ("span_unknown_field", "span.foo = 'x'"),
        ("feedback_rlike", "feedback.tone RLIKE 'ur'"),
        ("feedback_number_equals_refused", "feedback.quality = 0.8"),
        ("feedback_text_greater_refused", "feedback.quality > '0.5'"),
        ("feedback_list_refused", "feedback.quality IN ('x')"),
        ("feedback_empty_name", "feedback.`` = 'x'"),
        ("feedback_session_level", "feedback.coherent = 'yes'"),
        ("feedback_session_level_is_null", "feedback.coherent IS NULL"),
        ("expectation_rlike", "expectation.answer RLIKE 'Par'"),
        ("issue_bad_field", "issue.foo = 'x'"),
        ("issue_bad_comparator", "issue.id != 'x'"),
        ("issue_number", "issue.id = 5"),
        ("prompt_bad_value", "prompt = 'bad'"),
        ("prompt_not_equal_refused", "prompt != 'p/1'"),
        ("token_usage_equals", """metadata.`mlflow.trace.tokenUsage` = '{"input_tokens": 5, "output_tokens": 7, "total_tokens": 12}'"""),
        ("token_usage_equals_other_form", """metadata.`mlflow.trace.tokenUsage` = '{"input_tokens":5}'"""),
        ("token_usage_not_equals", """metadata.`mlflow.trace.tokenUsage` != '{"input_tokens": 5}'"""),
        ("token_usage_like_refused", "metadata.`mlflow.trace.tokenUsage` LIKE '%'"),
        ("numeric_comparator_refused", "timestamp_ms LIKE '1%'"),
        ("string_comparator_refused", "status > 'A'"),
        ("unquoted_value", "tags.env = dev"),
        ("list_with_equals_refused", "status = ('OK')"),
    ]:
        search(label, flt)


# ============================================================================================
# Logged models (MLflow 3) and run outputs

LM = "/logged-models"
NO_MODEL = "m-0123456789abcdef0123456789abcdef"


def logged_models() -> None:
    post("lm.setup.experiment", "/experiments/create", {"name": "diff-logged-models"}, {"exp_lm": "experiment_id"})
    post("lm.setup.run", "/runs/create", {"experiment_id": "{{exp_lm}}", "run_name": "lm-run", "start_time": T0}, {"lm_run": "run.info.run_id"})

    post(
        "lm.create.full",
        LM,
        {
            "experiment_id": "{{exp_lm}}",
            "name": "model-a",
            "model_type": "sklearn",
            "source_run_id": "{{lm_run}}",
            "params": [kv("alpha", "0.1")],
            "tags": [kv("owner", "alice")],
        },
        {"lm_a": "model.info.model_id"},
    )
    post("lm.create.minimal", LM, {"experiment_id": "{{exp_lm}}"}, {"lm_b": "model.info.model_id", "lm_b_name": "model.info.name"})
    post("lm.create.name_only", LM, {"experiment_id": "{{exp_lm}}", "name": "model-c", "params": [kv("alpha", "0.5")]}, {"lm_c": "model.info.model_id"})
    post("lm.create.unknown_experiment", LM, {"experiment_id": "987654", "name": "nowhere"})
    post("lm.create.missing_experiment", LM, {"name": "nowhere"})
    post("lm.create.bad_name_slash", LM, {"experiment_id": "{{exp_lm}}", "name": "bad/name"})
    post("lm.create.bad_name_dot", LM, {"experiment_id": "{{exp_lm}}", "name": "v1.0"})
    post("lm.create.params_wrong_type", LM, {"experiment_id": "{{exp_lm}}", "name": "pw", "params": "x"})
    post("lm.create.name_wrong_type", LM, {"experiment_id": "{{exp_lm}}", "name": 5})

    get("lm.get.full", LM + "/{{lm_a}}")
    get("lm.get.minimal", LM + "/{{lm_b}}")
    get("lm.get.unknown", LM + "/" + NO_MODEL)

    # The client repeats the model id in the body of finalize and log-params (MLflow requires it).
    call("lm.finalize.ready", "PATCH", LM + "/{{lm_a}}", {"model_id": "{{lm_a}}", "status": "LOGGED_MODEL_READY"})
    call("lm.finalize.failed", "PATCH", LM + "/{{lm_c}}", {"model_id": "{{lm_c}}", "status": "LOGGED_MODEL_UPLOAD_FAILED"})
    call("lm.finalize.status_number", "PATCH", LM + "/{{lm_b}}", {"model_id": "{{lm_b}}", "status": 1})
    call("lm.finalize.missing_status", "PATCH", LM + "/{{lm_b}}", {"model_id": "{{lm_b}}"})
    call("lm.finalize.unknown", "PATCH", LM + "/" + NO_MODEL, {"model_id": NO_MODEL, "status": "LOGGED_MODEL_READY"})

    post("lm.params.ok", LM + "/{{lm_a}}/params", {"model_id": "{{lm_a}}", "params": [kv("beta", "2"), kv("gamma", "")]})
    post("lm.params.same_again", LM + "/{{lm_a}}/params", {"model_id": "{{lm_a}}", "params": [kv("beta", "2")]})
    post("lm.params.unknown_model", LM + "/" + NO_MODEL + "/params", {"model_id": NO_MODEL, "params": [kv("beta", "2")]})
    post("lm.params.wrong_type", LM + "/{{lm_a}}/params", {"model_id": "{{lm_a}}", "params": {"beta": "2"}})
    # A key given twice in one request fails the request whole (nothing stored), same value or not.
    post("lm.params.repeated_in_request", LM + "/{{lm_a}}/params", {"model_id": "{{lm_a}}", "params": [kv("delta", "1"), kv("delta", "2")]})
    post("lm.params.repeated_same_value", LM + "/{{lm_a}}/params", {"model_id": "{{lm_a}}", "params": [kv("eps", "1"), kv("eps", "1")]})

    call("lm.tags.set", "PATCH", LM + "/{{lm_a}}/tags", {"tags": [kv("stage", "dev"), kv("owner", "bob")]})
    call("lm.tags.set_second_model", "PATCH", LM + "/{{lm_b}}/tags", {"tags": [kv("owner", "carol")]})
    call("lm.tags.unknown_model", "PATCH", LM + "/" + NO_MODEL + "/tags", {"tags": [kv("k", "v")]})
    call("lm.tags.delete", "DELETE", LM + "/{{lm_a}}/tags/stage")
    call("lm.tags.delete_unknown_key", "DELETE", LM + "/{{lm_a}}/tags/never-set")
    call("lm.tags.delete_unknown_model", "DELETE", LM + "/" + NO_MODEL + "/tags/owner")
    get("lm.get.after_updates", LM + "/{{lm_a}}")

    post("lm.outputs.ok", "/runs/outputs", {"run_id": "{{lm_run}}", "models": [{"model_id": "{{lm_a}}", "step": 3}]})
    post("lm.outputs.repeated_in_request", "/runs/outputs", {"run_id": "{{lm_run}}", "models": [{"model_id": "{{lm_b}}", "step": 1}, {"model_id": "{{lm_b}}", "step": 2}]})
    post("lm.outputs.again", "/runs/outputs", {"run_id": "{{lm_run}}", "models": [{"model_id": "{{lm_a}}", "step": 3}]})
    post("lm.outputs.unknown_run", "/runs/outputs", {"run_id": NO_RUN, "models": [{"model_id": "{{lm_a}}"}]})
    post("lm.outputs.missing_run_id", "/runs/outputs", {"models": [{"model_id": "{{lm_a}}"}]})
    post("lm.inputs.model", "/runs/log-inputs", {"run_id": "{{lm_run}}", "models": [{"model_id": "{{lm_b}}"}]})
    post(
        "lm.metric.with_model_and_dataset",
        "/runs/log-metric",
        {"run_id": "{{lm_run}}", **metric("acc", 0.9, 0, T0 + 10), "model_id": "{{lm_a}}", "dataset_name": "iris", "dataset_digest": "abc123"},
    )
    post("lm.metric.with_model", "/runs/log-metric", {"run_id": "{{lm_run}}", **metric("loss", 0.2, 1, T0 + 20), "model_id": "{{lm_a}}"})
    post("lm.metric.second_model", "/runs/log-metric", {"run_id": "{{lm_run}}", **metric("acc", 0.4, 0, T0 + 30), "model_id": "{{lm_b}}"})
    get("lm.run.get_with_models", "/runs/get", {"run_id": "{{lm_run}}"})
    get("lm.get.with_metrics", LM + "/{{lm_a}}")
    search_runs("lm.run.search_outputs", exps=("{{exp_lm}}",))

    s = LM + "/search"
    post("lm.search.all", s, {"experiment_ids": ["{{exp_lm}}"]})
    post("lm.search.name_eq", s, {"experiment_ids": ["{{exp_lm}}"], "filter": "name = 'model-a'"})
    post("lm.search.name_like", s, {"experiment_ids": ["{{exp_lm}}"], "filter": "name LIKE 'model-%'"})
    post("lm.search.param", s, {"experiment_ids": ["{{exp_lm}}"], "filter": "params.alpha = '0.5'"})
    post("lm.search.tag", s, {"experiment_ids": ["{{exp_lm}}"], "filter": "tags.owner = 'carol'"})
    post("lm.search.metric", s, {"experiment_ids": ["{{exp_lm}}"], "filter": "metrics.acc > 0.5"})
    post("lm.search.model_type", s, {"experiment_ids": ["{{exp_lm}}"], "filter": "model_type = 'sklearn' AND source_run_id = '{{lm_run}}'"})
    # lm_b's name is generated (random on each server): name orders leave it out.
    post("lm.search.order_name", s, {"experiment_ids": ["{{exp_lm}}"], "filter": "name LIKE 'model-%'", "order_by": [{"field_name": "name", "ascending": False}]})
    post("lm.search.order_metric", s, {"experiment_ids": ["{{exp_lm}}"], "order_by": [{"field_name": "metrics.acc", "ascending": False}]})
    post(
        "lm.search.order_metric_dataset",
        s,
        {"experiment_ids": ["{{exp_lm}}"], "order_by": [{"field_name": "metrics.acc", "ascending": False, "dataset_name": "iris", "dataset_digest": "abc123"}]},
    )
    post("lm.search.datasets_with_digest", s, {"experiment_ids": ["{{exp_lm}}"], "datasets": [{"dataset_name": "iris", "dataset_digest": "abc123"}]})
    post("lm.search.datasets_wrong_digest", s, {"experiment_ids": ["{{exp_lm}}"], "filter": "metrics.acc > 0", "datasets": [{"dataset_name": "iris", "dataset_digest": "zzz"}]})
    post("lm.search.datasets_without_name", s, {"experiment_ids": ["{{exp_lm}}"], "datasets": [{"dataset_digest": "abc123"}]})
    post("lm.search.datasets", s, {"experiment_ids": ["{{exp_lm}}"], "filter": "metrics.acc > 0", "datasets": [{"dataset_name": "iris"}]})
    post("lm.search.page1", s, {"experiment_ids": ["{{exp_lm}}"], "max_results": 2, "order_by": [{"field_name": "creation_timestamp", "ascending": True}]}, {"lm_tok": "next_page_token"})
    post("lm.search.page2", s, {"experiment_ids": ["{{exp_lm}}"], "max_results": 2, "order_by": [{"field_name": "creation_timestamp", "ascending": True}], "page_token": "{{lm_tok}}"})
    post("lm.search.bad_filter", s, {"experiment_ids": ["{{exp_lm}}"], "filter": "name = "})
    post("lm.search.bad_entity", s, {"experiment_ids": ["{{exp_lm}}"], "filter": "foo.bar = 'x'"})
    post("lm.search.bad_order_field", s, {"experiment_ids": ["{{exp_lm}}"], "order_by": [{"field_name": "nonsense"}]})
    post("lm.search.missing_experiment_ids", s, {})
    post("lm.search.bad_page_token", s, {"experiment_ids": ["{{exp_lm}}"], "page_token": "bogus"})
    post("lm.search.status_number", s, {"experiment_ids": ["{{exp_lm}}"], "filter": "status = '2'"})

    call("lm.delete.ok", "DELETE", LM + "/{{lm_c}}")
    get("lm.delete.check", LM + "/{{lm_c}}")
    get("lm.delete.get_allow_deleted", LM + "/{{lm_c}}", {"allow_deleted": "true"})
    call("lm.delete.again", "DELETE", LM + "/{{lm_c}}")
    call("lm.delete.unknown", "DELETE", LM + "/" + NO_MODEL)
    post("lm.search.after_delete", s, {"experiment_ids": ["{{exp_lm}}"], "order_by": [{"field_name": "creation_timestamp", "ascending": True}]})

    # Deliberately stricter than MLflow (README "Logged models"); last, as MLflow's side writes.
    post("lm.params.changed_value", LM + "/{{lm_a}}/params", {"model_id": "{{lm_a}}", "params": [kv("beta", "3")]})
    post("lm.search.status_name", s, {"experiment_ids": ["{{exp_lm}}"], "filter": "status = 'READY'"})
    call("lm.finalize.bad_status", "PATCH", LM + "/{{lm_b}}", {"model_id": "{{lm_b}}", "status": "DONE"})
    call("lm.finalize.model_id_only_in_path", "PATCH", LM + "/{{lm_b}}", {"status": "LOGGED_MODEL_READY"})
    post("lm.create.tag_missing_key", LM, {"experiment_id": "{{exp_lm}}", "name": "tmk", "tags": [{"value": "v"}]})
    post("lm.create.unknown_source_run", LM, {"experiment_id": "{{exp_lm}}", "name": "usr", "source_run_id": NO_RUN})
    post("lm.outputs.unknown_model", "/runs/outputs", {"run_id": "{{lm_run}}", "models": [{"model_id": NO_MODEL}]})
    post("lm.inputs.unknown_model", "/runs/log-inputs", {"run_id": "{{lm_run}}", "models": [{"model_id": NO_MODEL}]})
    post("lm.metric.unknown_model", "/runs/log-metric", {"run_id": "{{lm_run}}", **metric("acc", 0.1, 5, T0 + 40), "model_id": NO_MODEL})


# ============================================================================================
# GraphQL (/graphql): the documents MLflow's web UI and its own tests send, and what a client may
# get wrong. Answers are {"data", "errors"} with status 200, so most differences show in bodies.

GQL = "/graphql"
GQL_RUN_FIELDS = """
    info { runId runUuid runName experimentId userId status startTime endTime artifactUri lifecycleStage }
    data { metrics { key value step timestamp datasetName datasetDigest modelId runId } params { key value } tags { key value } }
    inputs { datasetInputs { tags { key value } dataset { name digest sourceType source schema profile } } modelInputs { modelId } }
    outputs { modelOutputs { modelId step } }
"""
GQL_UI_GET_EXPERIMENT = """
query MlflowGetExperimentQuery($input: MlflowGetExperimentInput!) @component(name: "MLflow.ExperimentRunTracking") {
  mlflowGetExperiment(input: $input) {
    apiError { code message }
    experiment { artifactLocation creationTime effectiveTraceArchivalRetention experimentId lastUpdateTime lifecycleStage name tags { key value } }
  }
}"""
GQL_UI_GET_RUN = """
query GetRun($data: MlflowGetRunInput!) @component(name: "MLflow.ExperimentRunTracking") {
  mlflowGetRun(input: $data) {
    apiError { helpUrl code message }
    run {
      info { runName status runUuid experimentId artifactUri endTime lifecycleStage startTime userId }
      experiment { experimentId name tags { key value } artifactLocation lifecycleStage lastUpdateTime }
      modelVersions { status version name source }
      data { metrics { key value step timestamp } params { key value } tags { key value } }
      inputs { datasetInputs { dataset { digest name profile schema source sourceType } tags { key value } } modelInputs { modelId } }
      outputs { modelOutputs { modelId step } }
    }
  }
}"""
GQL_UI_SEARCH_RUNS = """
query SearchRuns($data: MlflowSearchRunsInput!) {
  mlflowSearchRuns(input: $data) {
    apiError { helpUrl code message }
    runs {
      info { runName status runUuid experimentId artifactUri endTime lifecycleStage startTime userId }
      experiment { experimentId name tags { key value } artifactLocation lifecycleStage lastUpdateTime }
      data { metrics { key value step timestamp } params { key value } tags { key value } }
      inputs { datasetInputs { dataset { digest name profile schema source sourceType } tags { key value } } modelInputs { modelId } }
      outputs { modelOutputs { modelId step } }
      modelVersions { version name creationTimestamp status source }
    }
    nextPageToken
  }
}"""
GQL_UI_BULK_INTERVAL = """
query GetMetricHistoryBulkInterval($data: MlflowGetMetricHistoryBulkIntervalInput!) @component(name: "MLflow.ExperimentRunTracking") {
  mlflowGetMetricHistoryBulkInterval(input: $data) {
    __typename
    metrics { timestamp step runId key value }
    apiError { code message }
  }
}"""


def gql(name, query, variables=None, operation=None, **kw):
    body = {"query": query}
    if variables is not None:
        body["variables"] = variables
    if operation is not None:
        body["operationName"] = operation
    return _add({"name": name, "method": "POST", "path": GQL, "json": body, **kw})


def graphql() -> None:
    post("gql.setup.experiment", "/experiments/create", {"name": "diff-gql", "tags": [kv("team", "gql")]}, {"exp_g": "experiment_id"})
    post("gql.setup.run", "/runs/create", {"experiment_id": "{{exp_g}}", "run_name": "gql-a", "start_time": T0, "user_id": "gq"}, {"run_g": "run.info.run_id"})
    post("gql.setup.run2", "/runs/create", {"experiment_id": "{{exp_g}}", "run_name": "gql-b", "start_time": T0 + 10}, {"run_g2": "run.info.run_id"})
    post("gql.setup.finish_run2", "/runs/update", {"run_id": "{{run_g2}}", "status": "FINISHED", "end_time": T0 + 99})
    post(
        "gql.setup.log_batch",
        "/runs/log-batch",
        {
            "run_id": "{{run_g}}",
            "metrics": [metric("loss", 1.5 - i * 0.25, i, T0 + i) for i in range(5)]
            + [metric("nan_m", "NaN", 0, T0), metric("inf_m", "Infinity", 0, T0), metric("loss_nan", 1.0, 0, T0), metric("loss_nan", "NaN", 1, T0 + 1)],
            "params": [kv("lr", "0.1"), kv("layers", "3")],
            "tags": [kv("phase", "train")],
        },
    )
    post("gql.setup.metric_run2", "/runs/log-metric", {"run_id": "{{run_g2}}", **metric("loss", 0.5, 0, T0 + 20)})
    post(
        "gql.setup.log_inputs",
        "/runs/log-inputs",
        {
            "run_id": "{{run_g}}",
            "datasets": [
                {"tags": [kv("mlflow.data.context", "training")], "dataset": {"name": "gql-ds", "digest": "d1", "source_type": "local", "source": "{}", "schema": "{}", "profile": "{}"}},
                {"dataset": {"name": "gql-ds2", "digest": "d2", "source_type": "local", "source": "{}"}},
            ],
        },
    )
    post("gql.setup.registered_model", "/registered-models/create", {"name": "diff-gql-model"})
    post("gql.setup.model_version", "/model-versions/create", {"name": "diff-gql-model", "source": "runs:/{{run_g}}/model", "run_id": "{{run_g}}"})
    artifacts = "/api/2.0/mlflow-artifacts/artifacts/{{exp_g}}/{{run_g}}/artifacts"
    raw("gql.setup.artifact_file", "PUT", artifacts + "/hello.txt", body="hello world", headers={"Content-Type": "text/plain"})
    raw("gql.setup.artifact_nested", "PUT", artifacts + "/sub/inner.txt", body="inner", headers={"Content-Type": "text/plain"})

    # MLflow's own tests' documents
    gql("gql.test.echo", 'query testQuery {test(inputString: "abc") { output }}', operation="testQuery")
    gql("gql.test.echo_variable", "query Echo($s: String) { test(inputString: $s) { output } }", {"s": "hi"})
    gql("gql.test.echo_null", "{ test(inputString: null) { output } }")
    gql("gql.test.missing_argument", "{ test { output } }")
    gql("gql.test.mutation", 'mutation { testMutation(inputString: "abc") { output } }')
    gql("gql.typename", "{ __typename }")
    gql("gql.experiment.by_id", 'query testQuery {mlflowGetExperiment(input: {experimentId: "{{exp_g}}"}) { experiment { name } }}', operation="testQuery")
    gql(
        "gql.run.experiment_and_versions",
        'query testQuery { mlflowGetRun(input: {runId: "{{run_g}}"}) { run { experiment { name } modelVersions { name } } } }',
        operation="testQuery",
    )
    gql(
        "gql.bulk.mlflow_test",
        'query testQuery { mlflowGetMetricHistoryBulkInterval(input: {runIds: ["{{run_g}}"], metricKey: "loss"}) { metrics { key timestamp value } } }',
        operation="testQuery",
    )
    gql(
        "gql.search_runs.mutation",
        'mutation testMutation { mlflowSearchRuns(input: { experimentIds: ["{{exp_g}}"] }) { runs { info { runId } } } }',
        operation="testMutation",
    )
    gql(
        "gql.artifacts.fragment_and_aliases",
        """
        fragment FilesFragment on MlflowListArtifactsResponse { files { path isDir fileSize } }
        query testQuery {
          file: mlflowListArtifacts(input: { runId: "{{run_g}}" }) { ...FilesFragment }
          subdir: mlflowListArtifacts(input: { runId: "{{run_g}}", path: "sub" }) { ...FilesFragment }
        }""",
        operation="testQuery",
    )
    gql(
        "gql.datasets.mutation",
        'mutation testMutation { mlflowSearchDatasets(input:{experimentIds: ["{{exp_g}}"]}) { datasetSummaries { experimentId name digest context } } }',
        operation="testMutation",
        sort=["data.mlflowSearchDatasets.datasetSummaries"],
    )

    # The web UI's documents
    gql("gql.ui.get_experiment", GQL_UI_GET_EXPERIMENT, {"input": {"experimentId": "{{exp_g}}"}})
    gql("gql.ui.get_run", GQL_UI_GET_RUN, {"data": {"runId": "{{run_g}}"}})
    gql("gql.ui.get_run_finished", GQL_UI_GET_RUN, {"data": {"runId": "{{run_g2}}"}})
    gql("gql.ui.search_runs", GQL_UI_SEARCH_RUNS, {"data": {"experimentIds": ["{{exp_g}}"], "orderBy": ["attributes.start_time ASC"]}})
    gql("gql.ui.bulk_interval", GQL_UI_BULK_INTERVAL, {"data": {"runIds": ["{{run_g}}", "{{run_g2}}"], "metricKey": "loss", "maxResults": 320}})
    gql(
        "gql.ui.bulk_interval_range_ignored",
        GQL_UI_BULK_INTERVAL,
        {"data": {"runIds": ["{{run_g}}"], "metricKey": "loss", "startStep": 1, "endStep": 2, "maxResults": 1}},
    )

    # Every field
    gql("gql.run.all_fields", "query($id: String) { mlflowGetRun(input: {runId: $id}) { run { %s } } }" % GQL_RUN_FIELDS, {"id": "{{run_g}}"})
    gql("gql.run.by_run_uuid", 'query { mlflowGetRun(input: {runUuid: "{{run_g2}}"}) { run { info { runId status endTime } } } }')
    gql(
        "gql.run.model_version_fields",
        'query { mlflowGetRun(input: {runId: "{{run_g}}"}) { run { modelVersions { name version creationTimestamp lastUpdatedTimestamp userId currentStage description source runId status statusMessage tags { key value } runLink aliases modelId modelParams { name value } modelMetrics { key value } } } } }',
    )
    gql(
        "gql.run.deployment_job_state",
        'query { mlflowGetRun(input: {runId: "{{run_g}}"}) { run { modelVersions { deploymentJobState { jobId runId jobState runState currentTaskName } } } } }',
    )
    gql("gql.run.unknown", 'query { mlflowGetRun(input: {runId: "%s"}) { run { info { runId } } apiError { code } } }' % NO_RUN)
    gql("gql.run.empty_input", "query { mlflowGetRun(input: {}) { run { info { runId } } } }")
    gql("gql.run.missing_input", "query { mlflowGetRun { run { info { runId } } } }")
    gql("gql.run.null_input", "query { mlflowGetRun(input: null) { run { info { runId } } } }")
    gql("gql.experiment.default_when_empty", "{ mlflowGetExperiment(input: {}) { experiment { experimentId name lifecycleStage tags { key } workspace } } }")
    gql("gql.experiment.unknown", '{ mlflowGetExperiment(input: {experimentId: "987654"}) { experiment { name } apiError { code } } }')
    gql("gql.experiment.not_a_number", '{ mlflowGetExperiment(input: {experimentId: "abc"}) { experiment { name } } }')
    gql(
        "gql.experiment.all_fields",
        '{ mlflowGetExperiment(input: {experimentId: "{{exp_g}}"}) { experiment { experimentId name artifactLocation lifecycleStage lastUpdateTime creationTime tags { key value } effectiveTraceArchivalRetention workspace } } }',
    )

    # Searches
    search = "query S($i: MlflowSearchRunsInput) { mlflowSearchRuns(input: $i) { runs { info { runName status } data { metrics { key value } } } nextPageToken } }"
    gql("gql.search_runs.filter", search, {"i": {"experimentIds": ["{{exp_g}}"], "filter": "metrics.loss < 1"}})
    gql("gql.search_runs.order_and_page", search, {"i": {"experimentIds": ["{{exp_g}}"], "orderBy": ["metrics.loss DESC"], "maxResults": 1}})
    gql("gql.search_runs.view_type_literal", '{ mlflowSearchRuns(input: {experimentIds: ["{{exp_g}}"], runViewType: DELETED_ONLY}) { runs { info { runId } } nextPageToken } }')
    gql("gql.search_runs.view_type_variable", search, {"i": {"experimentIds": ["{{exp_g}}"], "runViewType": "ALL"}})
    gql("gql.search_runs.bad_filter", search, {"i": {"experimentIds": ["{{exp_g}}"], "filter": "metrics.loss <<< 1"}})
    gql("gql.search_runs.too_many_results", search, {"i": {"experimentIds": ["{{exp_g}}"], "maxResults": 60000}})
    gql("gql.search_runs.no_experiments", search, {"i": {}})
    gql("gql.search_runs.bad_enum_variable", search, {"i": {"experimentIds": ["{{exp_g}}"], "runViewType": "SOMETIMES"}})
    versions = "query V($i: MlflowSearchModelVersionsInput) { mlflowSearchModelVersions(input: $i) { modelVersions { name version runId status } nextPageToken } }"
    gql("gql.model_versions.by_name", versions, {"i": {"filter": "name='diff-gql-model'"}})
    gql("gql.model_versions.long_string_variable", versions, {"i": {"filter": "name='diff-gql-model'", "maxResults": "1"}})
    gql("gql.model_versions.long_string_bad_variable", versions, {"i": {"maxResults": "many"}})
    gql("gql.model_versions.string_literal_reads_null", '{ mlflowSearchModelVersions(input: {filter: "name=\'diff-gql-model\'", maxResults: "1"}) { modelVersions { name } } }')
    gql("gql.model_versions.zero_results", "{ mlflowSearchModelVersions(input: {maxResults: 0}) { modelVersions { name } } }")
    gql("gql.model_versions.bad_filter", '{ mlflowSearchModelVersions(input: {filter: "bogus"}) { modelVersions { name } } }')
    datasets = "mutation D($ids: [String]) { mlflowSearchDatasets(input: {experimentIds: $ids}) { datasetSummaries { experimentId name digest context } } }"
    gql("gql.datasets.none_asked", datasets, {"ids": []})
    gql("gql.datasets.too_many", datasets, {"ids": [str(i) for i in range(21)]})
    gql("gql.datasets.experiment_without", datasets, {"ids": ["0"]})
    gql("gql.datasets.bad_id", datasets, {"ids": ["x"]})
    raw("gql.datasets.rest", "POST", "/ajax-api/2.0/mlflow/experiments/search-datasets", body='{"experiment_ids": ["{{exp_g}}"]}', headers={"Content-Type": "application/json"}, sort=["dataset_summaries"])
    raw("gql.datasets.rest_none", "POST", "/ajax-api/2.0/mlflow/experiments/search-datasets", body="{}", headers={"Content-Type": "application/json"})

    # Metric histories and non-finite values
    bulk = "query B($i: MlflowGetMetricHistoryBulkIntervalInput) { mlflowGetMetricHistoryBulkInterval(input: $i) { metrics { key value step runId } } }"
    gql("gql.bulk.nan_point", bulk, {"i": {"runIds": ["{{run_g}}"], "metricKey": "loss_nan"}})
    gql("gql.bulk.only_nan", bulk, {"i": {"runIds": ["{{run_g}}"], "metricKey": "nan_m"}})
    gql("gql.bulk.infinity", bulk, {"i": {"runIds": ["{{run_g}}"], "metricKey": "inf_m"}})
    gql("gql.bulk.no_runs", bulk, {"i": {"runIds": [], "metricKey": "loss"}})
    gql("gql.bulk.no_key", bulk, {"i": {"runIds": ["{{run_g}}"]}})
    gql("gql.bulk.unknown_run", bulk, {"i": {"runIds": [NO_RUN], "metricKey": "loss"}})
    gql("gql.run.non_finite_latest", 'query { mlflowGetRun(input: {runId: "{{run_g}}"}) { run { data { metrics { key value } } } } }')

    # Artifacts
    files = "query A($i: MlflowListArtifactsInput) { mlflowListArtifacts(input: $i) { rootUri files { path isDir fileSize } nextPageToken } }"
    gql("gql.artifacts.root", files, {"i": {"runId": "{{run_g}}"}})
    gql("gql.artifacts.by_run_uuid", files, {"i": {"runUuid": "{{run_g}}", "path": "sub"}})
    gql("gql.artifacts.empty_run", files, {"i": {"runId": "{{run_g2}}"}})
    gql("gql.artifacts.unknown_run", files, {"i": {"runId": NO_RUN}})
    gql("gql.artifacts.traversal", files, {"i": {"runId": "{{run_g}}", "path": "../../etc"}})

    # MLflow's bounds on a document
    deep = "{ a " + "{ b " * 10 + "}" * 11
    gql("gql.limits.too_deep", deep)
    gql("gql.limits.deep_but_allowed", "{ mlflowGetRun(input: {runId: \"{{run_g}}\"}) { run { inputs { datasetInputs { dataset { name } } } } } }")
    gql("gql.limits.root_fields", "{ " + " ".join(f'f{i}: test(inputString: "{i}") {{ output }}' for i in range(11)) + " }")
    gql("gql.limits.ten_root_fields", "{ " + " ".join(f'f{i}: test(inputString: "{i}") {{ output }}' for i in range(10)) + " }")
    gql("gql.limits.aliases", '{ test(inputString: "x") { ' + " ".join(f"o{i}: output" for i in range(11)) + " } }")
    gql(
        "gql.limits.aliases_split_over_fragments",
        'query { test(inputString: "x") { ...A ...B } } fragment A on Test { '
        + " ".join(f"a{i}: output" for i in range(6))
        + " } fragment B on Test { "
        + " ".join(f"b{i}: output" for i in range(6))
        + " }",
    )
    gql("gql.limits.selections", '{ test(inputString: "x") { ' + "output " * 1001 + "} }")
    gql("gql.limits.self_spreading_fragment", "query { test(inputString: \"x\") { ...F } } fragment F on Test { output ...F }")

    # Documents MLflow refuses
    gql("gql.invalid.unknown_field", "{ nope }")
    gql("gql.invalid.unknown_subfield", '{ mlflowGetRun(input: {runId: "x"}) { run { bogus } } }')
    gql("gql.invalid.syntax", "{ test(inputString: \"x\") { output }")
    gql("gql.invalid.empty_document", "")
    gql("gql.invalid.unknown_operation", "query A { __typename }", operation="B")
    gql("gql.invalid.operation_needed", "query A { __typename } query B { __typename }")
    gql("gql.invalid.missing_variable", "query Q($s: String!) { test(inputString: $s) { output } }", {})
    gql("gql.invalid.subscription", "subscription { test { output } }")
    gql("gql.invalid.unused_fragment", "fragment F on Query { __typename } query { __typename }")
    gql("gql.invalid.skip_directive", "{ __typename @skip(if: true) }")
    gql("gql.invalid.input_type", "{ mlflowGetRun(input: {runId: 5}) { run { info { runId } } } }")
    gql("gql.introspection", '{ __schema { queryType { name } mutationType { name } subscriptionType { name } directives { name args { name } } } t: __type(name: "MlflowRunExtension") { fields { name type { name kind ofType { name } } } } }')

    # HTTP
    raw("gql.http.no_content_type", "POST", GQL, body='{"query": "{ __typename }"}')
    raw("gql.http.text_content_type", "POST", GQL, body='{"query": "{ __typename }"}', headers={"Content-Type": "text/plain"})
    raw("gql.http.charset", "POST", GQL, body='{"query": "{ __typename }"}', headers={"Content-Type": "application/json; charset=utf-8"})
    raw("gql.http.no_query", "POST", GQL, body="{}", headers={"Content-Type": "application/json"})
    raw("gql.http.not_json", "POST", GQL, body="{query", headers={"Content-Type": "application/json"})
    raw("gql.http.array_body", "POST", GQL, body='[{"query": "{ __typename }"}]', headers={"Content-Type": "application/json"})
    raw("gql.http.variables_not_object", "POST", GQL, body='{"query": "{ __typename }", "variables": [1]}', headers={"Content-Type": "application/json"})
    raw("gql.http.get_json_body", "GET", GQL, body='{"query": "{ __typename }"}', headers={"Content-Type": "application/json"})
    raw("gql.http.get_query_string", "GET", GQL, query={"query": "{ __typename }"})
    raw("gql.http.get_nothing", "GET", GQL)
    raw("gql.http.wrong_method", "PUT", GQL, body="{}", headers={"Content-Type": "application/json"})
    raw("gql.http.not_under_ajax_api", "POST", "/ajax-api/graphql", body='{"query": "{ __typename }"}', headers={"Content-Type": "application/json"})


def run_records() -> None:
    """LogModel (a run's model history), the web UI's prompt lab run, MLflow's presigned-URL
    requests and server-info (issue 16)."""
    import json

    post("rec.setup.experiment", "/experiments/create", {"name": "diff-records"}, {"exp_rec": "experiment_id"})
    post(
        "rec.setup.run",
        "/runs/create",
        {"experiment_id": "{{exp_rec}}", "run_name": "rec", "start_time": T0},
        {"rec_run": "run.info.run_id"},
    )
    first = {
        "artifact_path": "model",
        "run_id": "{{rec_run}}",
        "utc_time_created": "2026-12-04 10:00:00.000001",
        "model_uuid": "0123456789abcdef0123456789abcdef",
        "flavors": {"python_function": {"loader_module": "m", "config": {"x": 1.0}}, "sklearn": "1.5"},
        "signature": {"inputs": '[{"type": "string", "name": "a"}]', "outputs": None},
    }
    # No model_uuid: MLflow's store keeps null; a null artifact_path is left out.
    second = {"artifact_path": None, "run_id": "{{rec_run}}", "utc_time_created": "t2", "flavors": {}}
    post("rec.log_model.ok", "/runs/log-model", {"run_id": "{{rec_run}}", "model_json": json.dumps(first)})
    post("rec.log_model.second", "/runs/log-model", {"run_id": "{{rec_run}}", "model_json": json.dumps(second)})
    get("rec.log_model.history", "/runs/get", {"run_id": "{{rec_run}}"})
    post(
        "rec.log_model.missing_fields",
        "/runs/log-model",
        {"run_id": "{{rec_run}}", "model_json": json.dumps({"artifact_path": "m", "utc_time_created": "t"})},
    )
    post("rec.log_model.not_json", "/runs/log-model", {"run_id": "{{rec_run}}", "model_json": "{nope"})
    post("rec.log_model.no_model_json", "/runs/log-model", {"run_id": "{{rec_run}}"})
    post(
        "rec.log_model.unknown_run",
        "/runs/log-model",
        {"run_id": "0123456789abcdef0123456789abcdee", "model_json": json.dumps(second)},
    )

    up, down = "/artifacts/presigned-upload-url", "/artifacts/presigned-download-url"
    post("rec.presigned_upload.run", up, {"run_id": "{{rec_run}}", "path": "a/b.bin"})
    post("rec.presigned_upload.neither", up, {"path": "a"})
    post("rec.presigned_upload.both", up, {"run_id": "{{rec_run}}", "model_id": "m-x", "path": "a"})
    post("rec.presigned_upload.dotdot", up, {"run_id": "{{rec_run}}", "path": "../a"})
    post("rec.presigned_upload.no_path", up, {"run_id": "{{rec_run}}"})
    post("rec.presigned_upload.unknown_run", up, {"run_id": "0123456789abcdef0123456789abcdee", "path": "a"})
    post("rec.presigned_download.run", down, {"run_id": "{{rec_run}}", "path": "m/w.bin"})
    post("rec.presigned_download.expiration_zero", down, {"run_id": "{{rec_run}}", "path": "m", "expiration": 0})
    post("rec.presigned_download.expiration_week_and_a_second", down, {"run_id": "{{rec_run}}", "path": "m", "expiration": 604801})
    post("rec.presigned_download.no_run", down, {"path": "m"})

    raw("rec.server_info", "GET", "/api/3.0/mlflow/server-info")

    def lab(name, body, **kw):
        return call(name, "POST", "/runs/create-promptlab-run", body, base="/ajax-api/2.0/mlflow", **kw)

    body = {
        "experiment_id": "{{exp_rec}}",
        "run_name": "lab",
        "prompt_template": "Hello {{ name }}",
        "prompt_parameters": [{"key": "name", "value": "Bob"}],
        "model_route": "chat",
        "model_parameters": [{"key": "temperature", "value": "0.1"}],
        "model_input": "Hello Bob",
        "model_output": "Hi",
        "model_output_parameters": [{"key": "latency", "value": "100"}],
        "mlflow_version": "3.17.2",
        "user_id": "ann",
        "start_time": T0,
    }
    lab("rec.promptlab.empty", {})
    for missing in ("prompt_parameters", "model_input", "mlflow_version"):
        lab(f"rec.promptlab.no_{missing}", {k: v for k, v in body.items() if k != missing})
    # The model history tag holds a fresh uuid and the creation time: masked; the rest compared.
    lab("rec.promptlab.ok", body, mask=["run.data.tags"])

    def issues(name, method, path="", body=None, **kw):
        return call(name, method, "/issues" + path, body, base=V3, **kw)

    issues(
        "rec.issues.create",
        "POST",
        body={
            "experiment_id": "{{exp_rec}}",
            "name": "slow",
            "description": "answers take long",
            "severity": "medium",
            "root_causes": ["cold cache"],
            "categories": ["latency"],
            "source_run_id": "{{rec_run}}",
            "created_by": "ann",
        },
        capture={"rec_issue": "issue.issue_id"},
    )
    issues("rec.issues.create_minimal", "POST", body={"experiment_id": "{{exp_rec}}", "name": "n", "description": "d"})
    issues("rec.issues.create_no_description", "POST", body={"experiment_id": "{{exp_rec}}", "name": "n"})
    issues("rec.issues.create_unknown_experiment", "POST", body={"experiment_id": "987654", "name": "n", "description": "d"})
    issues("rec.issues.get", "GET", "/{{rec_issue}}")
    issues("rec.issues.get_unknown", "GET", "/iss-" + NO_RUN)
    issues("rec.issues.update", "PATCH", "/{{rec_issue}}", {"issue_id": "{{rec_issue}}", "status": "resolved", "severity": "high"})
    for name, search in [
        ("search", {"experiment_id": "{{exp_rec}}"}),
        ("search_filter", {"experiment_id": "{{exp_rec}}", "filter_string": "status = 'resolved' AND source_run_id = '{{rec_run}}'"}),
        ("search_page", {"experiment_id": "{{exp_rec}}", "max_results": 1}),
        ("search_bad_field", {"experiment_id": "{{exp_rec}}", "filter_string": "name = 'slow'"}),
        ("search_bad_comparator", {"filter_string": "status LIKE 'res%'"}),
    ]:
        issues(f"rec.issues.{name}", "POST", "/search", search)
    post(
        "rec.promptlab.search",
        "/runs/search",
        {"experiment_ids": ["{{exp_rec}}"], "filter": "attributes.run_name = 'lab'"},
        mask=["runs.[].data.tags"],
    )


def gw(name, method, path, body=None, query=None, capture=None, **kw):
    return call(name, method, "/gateway" + path, body, query, capture, base=V3, **kw)


def gateway() -> None:
    """MLflow 3's AI gateway configuration: secrets (answered masked), model definitions,
    endpoints with mappings, tags and bindings; and what the UI asks about providers."""
    gw(
        "gw.secret.create",
        "POST",
        "/secrets/create",
        {
            "secret_name": "diff-openai",
            "secret_value": {"api_key": "sk-diff-0123456789"},
            "provider": "openai",
            "auth_config": {"auth_mode": "api_key", "api_base": "  "},
            "created_by": "ann",
        },
        capture={"gw_secret": "secret.secret_id"},
    )
    gw(
        "gw.secret.create_compound",
        "POST",
        "/secrets/create",
        {
            "secret_name": "diff-aws",
            "secret_value": {"aws_access_key_id": "AKIADIFF12345678", "aws_secret_access_key": "short"},
            "provider": "bedrock",
            "auth_config": {"auth_mode": "access_keys", "aws_region_name": "us-east-1"},
        },
        capture={"gw_secret2": "secret.secret_id"},
    )
    gw("gw.secret.create_duplicate", "POST", "/secrets/create", {"secret_name": "diff-openai", "secret_value": {"api_key": "x"}})
    gw("gw.secret.create_no_name", "POST", "/secrets/create", {"secret_value": {"api_key": "x"}})
    gw("gw.secret.create_reserved_key", "POST", "/secrets/create", {"secret_name": "diff-bad", "secret_value": {"base_url": "http://x"}})
    gw("gw.secret.get", "GET", "/secrets/get", query={"secret_id": "{{gw_secret}}"})
    gw("gw.secret.get_unknown", "GET", "/secrets/get", query={"secret_id": "s-" + NO_RUN})
    gw("gw.secret.get_no_id", "GET", "/secrets/get", query={})
    gw("gw.secret.list", "GET", "/secrets/list", query={})
    gw("gw.secret.list_provider", "GET", "/secrets/list", query={"provider": "bedrock"})
    gw("gw.secret.update", "POST", "/secrets/update", {"secret_id": "{{gw_secret2}}", "secret_value": {"api_key": "rotated-key-9876"}, "updated_by": "bob"})
    gw("gw.secret.update_unknown", "POST", "/secrets/update", {"secret_id": "s-" + NO_RUN, "secret_value": {"api_key": "x"}})

    gw(
        "gw.model.create",
        "POST",
        "/model-definitions/create",
        {"name": "diff-gpt", "secret_id": "{{gw_secret}}", "provider": "openai", "model_name": "gpt-4o"},
        capture={"gw_model": "model_definition.model_definition_id"},
    )
    gw(
        "gw.model.create_second",
        "POST",
        "/model-definitions/create",
        {"name": "diff-claude", "secret_id": "{{gw_secret}}", "provider": "anthropic", "model_name": "claude-3-5-haiku-latest"},
        capture={"gw_model2": "model_definition.model_definition_id"},
    )
    gw("gw.model.create_duplicate", "POST", "/model-definitions/create", {"name": "diff-gpt", "secret_id": "{{gw_secret}}", "provider": "openai", "model_name": "gpt-4o"})
    gw("gw.model.create_unknown_secret", "POST", "/model-definitions/create", {"name": "diff-x", "secret_id": "s-" + NO_RUN, "provider": "openai", "model_name": "m"})
    gw("gw.model.create_no_provider", "POST", "/model-definitions/create", {"name": "diff-x", "secret_id": "{{gw_secret}}", "model_name": "m"})
    gw("gw.model.get", "GET", "/model-definitions/get", query={"model_definition_id": "{{gw_model}}"})
    gw("gw.model.get_unknown", "GET", "/model-definitions/get", query={"model_definition_id": "d-" + NO_RUN})
    gw("gw.model.update", "POST", "/model-definitions/update", {"model_definition_id": "{{gw_model2}}", "model_name": "claude-3-7-sonnet-latest"})
    gw("gw.model.update_to_taken_name", "POST", "/model-definitions/update", {"model_definition_id": "{{gw_model2}}", "name": "diff-gpt"})
    gw("gw.model.list", "GET", "/model-definitions/list", query={})
    gw("gw.model.list_provider", "GET", "/model-definitions/list", query={"provider": "anthropic"})

    primary = {"model_definition_id": "{{gw_model}}", "linkage_type": "PRIMARY", "weight": 0.75}
    fallback = {"model_definition_id": "{{gw_model2}}", "linkage_type": "FALLBACK", "fallback_order": 1}
    gw(
        "gw.endpoint.create",
        "POST",
        "/endpoints/create",
        {
            "name": "diff-chat",
            "model_configs": [primary, fallback],
            "routing_strategy": "REQUEST_BASED_TRAFFIC_SPLIT",
            "fallback_config": {"strategy": "SEQUENTIAL", "max_attempts": 2},
            "created_by": "ann",
        },
        capture={"gw_endpoint": "endpoint.endpoint_id", "gw_map1": "endpoint.model_mappings.0.mapping_id", "gw_map2": "endpoint.model_mappings.1.mapping_id"},
    )
    gw(
        "gw.endpoint.create_untracked",
        "POST",
        "/endpoints/create",
        {"name": "diff-quiet", "usage_tracking": False, "model_configs": [{"model_definition_id": "{{gw_model}}", "linkage_type": "PRIMARY"}]},
        capture={"gw_endpoint2": "endpoint.endpoint_id", "gw_map3": "endpoint.model_mappings.0.mapping_id"},
    )
    gw("gw.endpoint.create_bad_name", "POST", "/endpoints/create", {"name": "diff chat", "model_configs": [primary]})
    gw("gw.endpoint.create_no_models", "POST", "/endpoints/create", {"name": "diff-none"})
    gw("gw.endpoint.create_empty_models", "POST", "/endpoints/create", {"name": "diff-none", "model_configs": []})
    gw("gw.endpoint.create_no_linkage", "POST", "/endpoints/create", {"name": "diff-none", "model_configs": [{"model_definition_id": "{{gw_model}}"}]})
    gw("gw.endpoint.create_unknown_model", "POST", "/endpoints/create", {"name": "diff-none", "model_configs": [{"model_definition_id": "d-" + NO_RUN, "linkage_type": "PRIMARY"}]})
    gw("gw.endpoint.create_duplicate", "POST", "/endpoints/create", {"name": "diff-chat", "model_configs": [primary]})
    gw("gw.endpoint.get", "GET", "/endpoints/get", query={"endpoint_id": "{{gw_endpoint}}"})
    gw("gw.endpoint.get_by_name", "GET", "/endpoints/get", query={"name": "diff-quiet"})
    gw("gw.endpoint.get_neither", "GET", "/endpoints/get", query={})
    gw("gw.endpoint.get_unknown", "GET", "/endpoints/get", query={"endpoint_id": "e-" + NO_RUN})
    gw("gw.endpoint.set_tag", "POST", "/endpoints/set-tag", {"endpoint_id": "{{gw_endpoint}}", "key": "team", "value": "search"})
    gw("gw.endpoint.attach", "POST", "/endpoints/models/attach", {"endpoint_id": "{{gw_endpoint2}}", "model_config": {"model_definition_id": "{{gw_model2}}", "linkage_type": "PRIMARY"}}, capture={"gw_map4": "mapping.mapping_id"})
    gw("gw.endpoint.attach_again", "POST", "/endpoints/models/attach", {"endpoint_id": "{{gw_endpoint2}}", "model_config": {"model_definition_id": "{{gw_model2}}", "linkage_type": "PRIMARY"}})
    # MLflow lists endpoints through a DISTINCT join with no ORDER BY: the order is the query plan's.
    gw("gw.endpoint.list", "GET", "/endpoints/list", query={}, sort=["endpoints"])
    gw("gw.endpoint.list_provider", "GET", "/endpoints/list", query={"provider": "anthropic"}, sort=["endpoints"])
    gw("gw.endpoint.detach", "POST", "/endpoints/models/detach", {"endpoint_id": "{{gw_endpoint2}}", "model_definition_id": "{{gw_model2}}"})
    gw("gw.endpoint.detach_again", "POST", "/endpoints/models/detach", {"endpoint_id": "{{gw_endpoint2}}", "model_definition_id": "{{gw_model2}}"})
    gw("gw.endpoint.detach_unknown_endpoint", "POST", "/endpoints/models/detach", {"endpoint_id": "e-" + NO_RUN, "model_definition_id": "{{gw_model2}}"})
    gw("gw.endpoint.update", "POST", "/endpoints/update", {"endpoint_id": "{{gw_endpoint2}}", "name": "diff-quiet-2", "fallback_config": {"max_attempts": 3}, "updated_by": "bob"})
    gw("gw.endpoint.update_bad_experiment", "POST", "/endpoints/update", {"endpoint_id": "{{gw_endpoint2}}", "experiment_id": "abc"})
    gw("gw.endpoint.delete_tag", "DELETE", "/endpoints/delete-tag", {"endpoint_id": "{{gw_endpoint}}", "key": "team"})
    gw("gw.model.delete_in_use", "DELETE", "/model-definitions/delete", {"model_definition_id": "{{gw_model}}"})

    bind = {"endpoint_id": "{{gw_endpoint}}", "resource_type": "scorer", "resource_id": "job-1"}
    gw("gw.binding.create", "POST", "/endpoints/bindings/create", bind)
    gw("gw.binding.create_again", "POST", "/endpoints/bindings/create", bind)
    gw("gw.binding.create_unknown_endpoint", "POST", "/endpoints/bindings/create", {**bind, "endpoint_id": "e-" + NO_RUN})
    gw("gw.binding.list", "GET", "/endpoints/bindings/list", query={"endpoint_id": "{{gw_endpoint}}"})
    gw("gw.binding.list_resource", "GET", "/endpoints/bindings/list", query={"resource_id": "job-1"})
    gw("gw.binding.delete", "DELETE", "/endpoints/bindings/delete", bind)
    gw("gw.binding.delete_again", "DELETE", "/endpoints/bindings/delete", bind)

    gw("gw.secret.delete", "DELETE", "/secrets/delete", {"secret_id": "{{gw_secret}}"})
    # Its model definitions stay, without a secret.
    gw("gw.endpoint.get_orphaned", "GET", "/endpoints/get", query={"endpoint_id": "{{gw_endpoint}}"})
    gw("gw.endpoint.delete", "DELETE", "/endpoints/delete", {"endpoint_id": "{{gw_endpoint2}}"})
    gw("gw.endpoint.delete_again", "DELETE", "/endpoints/delete", {"endpoint_id": "{{gw_endpoint2}}"})

    ui = "/ajax-api/3.0/mlflow/gateway"
    raw("gw.ui.provider_config_openai", "GET", ui + "/provider-config?provider=openai")
    raw("gw.ui.provider_config_unknown", "GET", ui + "/provider-config?provider=acme_llm")
    raw("gw.ui.provider_config_missing", "GET", ui + "/provider-config")
    raw("gw.ui.proxy_empty", "POST", "/ajax-api/2.0/mlflow/gateway-proxy", "{}", {"Content-Type": "application/json"})


def scorers() -> None:
    """Registered scorers: versions, a judge through a gateway endpoint (stored by id, answered by
    name), deletes, and the online scoring configuration."""

    def sc(name, method, path, body=None, query=None, capture=None, **kw):
        return call(name, method, "/scorers" + path, body, query, capture, base=V3, **kw)

    post("sc.exp", "/experiments/create", {"name": "diff-scorers"}, {"exp_sc": "experiment_id"})
    plain = '{"name": "concise", "aggregations": []}'
    sc("sc.register", "POST", "/register", {"experiment_id": "{{exp_sc}}", "name": "concise", "serialized_scorer": plain}, capture={"sc_id": "scorer_id"})
    sc("sc.register_v2", "POST", "/register", {"experiment_id": "{{exp_sc}}", "name": "concise", "serialized_scorer": '{"name": "concise", "v": 2}'})
    sc("sc.register_bad_json", "POST", "/register", {"experiment_id": "{{exp_sc}}", "name": "x", "serialized_scorer": "{nope"})
    sc("sc.register_blank_name", "POST", "/register", {"experiment_id": "{{exp_sc}}", "name": "  ", "serialized_scorer": plain})
    sc("sc.register_no_scorer", "POST", "/register", {"experiment_id": "{{exp_sc}}", "name": "x"})
    sc("sc.register_unknown_experiment", "POST", "/register", {"experiment_id": "987654", "name": "x", "serialized_scorer": plain})
    sc("sc.register_model_not_string", "POST", "/register", {"experiment_id": "{{exp_sc}}", "name": "x", "serialized_scorer": '{"builtin_scorer_pydantic_data": {"model": 5}}'})
    sc("sc.register_decorator", "POST", "/register", {"experiment_id": "{{exp_sc}}", "name": "x", "serialized_scorer": '{"name": "x", "call_source": "return 1", "call_signature": "(outputs)", "original_func_name": "x"}'})
    judge = '{"instructions_judge_pydantic_data": {"model": "gateway:/diff-chat", "instructions": "Is {{ outputs }} polite?"}}'
    sc("sc.register_gateway_judge", "POST", "/register", {"experiment_id": "{{exp_sc}}", "name": "polite", "serialized_scorer": judge}, capture={"sc_judge": "scorer_id"})
    sc("sc.register_unknown_endpoint", "POST", "/register", {"experiment_id": "{{exp_sc}}", "name": "x", "serialized_scorer": judge.replace("diff-chat", "diff-none")})
    gw("sc.judge_binding", "GET", "/endpoints/bindings/list", query={"resource_type": "scorer"})
    sc("sc.list", "GET", "/list", query={"experiment_id": "{{exp_sc}}"})
    sc("sc.versions", "GET", "/versions", query={"experiment_id": "{{exp_sc}}", "name": "concise"})
    sc("sc.versions_unknown", "GET", "/versions", query={"experiment_id": "{{exp_sc}}", "name": "nope"})
    sc("sc.get_latest", "GET", "/get", query={"experiment_id": "{{exp_sc}}", "name": "concise"})
    sc("sc.get_version", "GET", "/get", query={"experiment_id": "{{exp_sc}}", "name": "concise", "version": "1"})
    sc("sc.get_unknown_version", "GET", "/get", query={"experiment_id": "{{exp_sc}}", "name": "concise", "version": "9"})

    online = {"experiment_id": "{{exp_sc}}", "name": "polite", "sample_rate": 0.25, "filter_string": "status = 'OK'"}
    sc("sc.online.upsert", "PUT", "/online-config", online)
    sc("sc.online.upsert_again", "PUT", "/online-config", {**online, "sample_rate": 0.5, "filter_string": None})
    sc("sc.online.rate_too_high", "PUT", "/online-config", {**online, "sample_rate": 1.5})
    sc("sc.online.bad_filter", "PUT", "/online-config", {**online, "filter_string": "bogus ="})
    sc("sc.online.not_gateway", "PUT", "/online-config", {**online, "name": "concise"})
    sc("sc.online.unknown_scorer", "PUT", "/online-config", {**online, "name": "nope"})
    sc("sc.online.no_rate", "PUT", "/online-config", {"experiment_id": "{{exp_sc}}", "name": "polite"})
    sc("sc.online.get", "GET", "/online-configs", query={"scorer_ids": ["{{sc_judge}}", "{{sc_id}}"]})
    sc("sc.online.get_none", "GET", "/online-configs", query={})

    sc("sc.delete_version", "DELETE", "/delete", {"experiment_id": "{{exp_sc}}", "name": "concise", "version": 1})
    sc("sc.delete_version_again", "DELETE", "/delete", {"experiment_id": "{{exp_sc}}", "name": "concise", "version": 1})
    sc("sc.delete_all", "DELETE", "/delete", {"experiment_id": "{{exp_sc}}", "name": "polite"})
    sc("sc.delete_unknown", "DELETE", "/delete", {"experiment_id": "{{exp_sc}}", "name": "polite"})
    gw("sc.judge_binding_gone", "GET", "/endpoints/bindings/list", query={"resource_type": "scorer"})


def leniency() -> None:
    """Where MLflow accepts input we used to refuse (issue 16). Last in the core profile: the final
    case creates an experiment on MLflow's side only, which would show in any later listing."""
    post(
        "len.exp.create.relative_location",
        "/experiments/create",
        {"name": "diff-relative-loc", "artifact_location": "my_location"},
        {"exp_rel": "experiment_id"},
    )
    get("len.exp.get.relative_location", "/experiments/get", {"experiment_id": "{{exp_rel}}"})
    post("len.runs.create.relative_location", "/runs/create", {"experiment_id": "{{exp_rel}}", "run_name": "rel", "start_time": T0})
    post(
        "len.exp.create.relative_location_climbing",
        "/experiments/create",
        {"name": "diff-relative-loc-up", "artifact_location": "../outside"},
    )


def build_corpus() -> list[dict]:
    _cases.clear()
    experiments()
    runs()
    search()
    metric_history()
    malformed()
    registry()
    prompts()
    datasets()
    traces()
    trace_metrics()
    traces_v2()
    trace_filters()
    logged_models()
    graphql()
    run_records()
    gateway()
    scorers()
    leniency()
    workspaces()
    # Last in the core profile: no registry write follows, so nothing is delivered anywhere.
    webhooks()
    names = [c["name"] for c in _cases]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ValueError(f"duplicate corpus case names: {sorted(dupes)}")
    return list(_cases)


if __name__ == "__main__":
    import json

    print(json.dumps(build_corpus(), indent=1))


# ============================================================================================
# Workspaces (profile "workspaces": MLflow's server runs with --enable-workspaces)

WS = "/api/3.0/mlflow/workspaces"


def workspaces() -> None:
    def ws(name, method, path, body=None, headers=None, **kw):
        case = {"name": name, "method": method, "path": path, "profile": "workspaces", **kw}
        if body is not None:
            case["json"] = body
        if headers:
            case["headers"] = headers
        return _add(case)

    def in_ws(name, workspace, method, path, body=None, query=None, **kw):
        case = ws(name, method, API + path, body, {"X-MLFLOW-WORKSPACE": workspace}, **kw)
        if query is not None:
            case["query"] = query
        return case

    ws("ws.list.initial", "GET", WS)
    ws("ws.create.ok", "POST", WS, {"name": "team-a", "description": "The A team"})
    ws("ws.create.no_description", "POST", WS, {"name": "team-b"})
    ws("ws.create.duplicate", "POST", WS, {"name": "team-a"})
    ws("ws.create.missing_name", "POST", WS, {"description": "x"})
    ws("ws.create.uppercase", "POST", WS, {"name": "Team-C"})
    ws("ws.create.underscore", "POST", WS, {"name": "team_c"})
    ws("ws.create.too_short", "POST", WS, {"name": "a"})
    ws("ws.create.too_long", "POST", WS, {"name": "a" * 64})
    ws("ws.create.leading_hyphen", "POST", WS, {"name": "-team"})
    ws("ws.create.reserved", "POST", WS, {"name": "workspaces"})
    ws("ws.create.default", "POST", WS, {"name": "default"})
    ws("ws.get.ok", "GET", WS + "/team-a")
    ws("ws.get.no_description", "GET", WS + "/team-b")
    ws("ws.get.default", "GET", WS + "/default")
    ws("ws.get.unknown", "GET", WS + "/nope-ws")
    ws("ws.get.invalid_name", "GET", WS + "/Bad_Name")
    ws("ws.update.description", "PATCH", WS + "/team-a", {"description": "Renamed team"})
    ws("ws.update.empty", "PATCH", WS + "/team-a", {})
    ws("ws.update.unknown", "PATCH", WS + "/nope-ws", {"description": "x"})
    ws("ws.list.after_create", "GET", WS, sort=["workspaces"])
    in_ws("ws.header.create_experiment", "team-a", "POST", "/experiments/create", {"name": "ws-exp"}, capture={"ws_exp": "experiment_id"})
    in_ws("ws.header.get_by_name", "team-a", "GET", "/experiments/get-by-name", query={"experiment_name": "ws-exp"})
    in_ws(
        "ws.header.create_run",
        "team-a",
        "POST",
        "/runs/create",
        {"experiment_id": "{{ws_exp}}", "run_name": "ws-run", "start_time": T0},
        capture={"ws_run": "run.info.run_id"},
    )
    in_ws("ws.header.search_runs", "team-a", "POST", "/runs/search", {"experiment_ids": ["{{ws_exp}}"]})
    in_ws("ws.header.other_workspace_get_by_name", "team-b", "GET", "/experiments/get-by-name", query={"experiment_name": "ws-exp"})
    in_ws("ws.header.other_workspace_get_run", "team-b", "GET", "/runs/get", query={"run_id": "{{ws_run}}"})
    ws("ws.no_header.get_by_name", "GET", API + "/experiments/get-by-name", query={"experiment_name": "ws-exp"})
    # GraphQL is scoped by the same header.
    ws_run_query = {"query": 'query($id: String) { mlflowGetRun(input: {runId: $id}) { run { info { runName experimentId } experiment { name workspace } } } }', "variables": {"id": "{{ws_run}}"}}
    ws("ws.graphql.get_run", "POST", "/graphql", ws_run_query, {"X-MLFLOW-WORKSPACE": "team-a"})
    ws("ws.graphql.get_experiment", "POST", "/graphql", {"query": '{ mlflowGetExperiment(input: {experimentId: "{{ws_exp}}"}) { experiment { name workspace } } }'}, {"X-MLFLOW-WORKSPACE": "team-a"})
    ws("ws.graphql.other_workspace", "POST", "/graphql", ws_run_query, {"X-MLFLOW-WORKSPACE": "team-b"})
    ws("ws.graphql.no_header", "POST", "/graphql", ws_run_query)
    ws("ws.graphql.search_runs", "POST", "/graphql", {"query": '{ mlflowSearchRuns(input: {experimentIds: ["{{ws_exp}}"]}) { runs { info { runName } } } }'}, {"X-MLFLOW-WORKSPACE": "team-a"})
    ws("ws.graphql.unknown_workspace", "POST", "/graphql", {"query": "{ __typename }"}, {"X-MLFLOW-WORKSPACE": "nope-ws"})
    ws("ws.graphql.invalid_workspace", "POST", "/graphql", {"query": "{ __typename }"}, {"X-MLFLOW-WORKSPACE": "Bad_Name"})
    in_ws("ws.header.unknown_workspace", "nope-ws", "GET", "/experiments/get-by-name", query={"experiment_name": "ws-exp"})
    in_ws("ws.header.invalid_name", "Bad_Name", "GET", "/experiments/get-by-name", query={"experiment_name": "ws-exp"})
    ws("ws.delete.restrict_nonempty", "DELETE", WS + "/team-a")
    ws("ws.delete.invalid_mode", "DELETE", WS + "/team-b", query={"mode": "SOMETIMES"})
    ws("ws.delete.empty", "DELETE", WS + "/team-b")
    ws("ws.delete.again", "DELETE", WS + "/team-b")
    ws("ws.delete.default", "DELETE", WS + "/default")
    ws("ws.delete.cascade", "DELETE", WS + "/team-a", query={"mode": "CASCADE"})
    ws("ws.get.after_delete", "GET", WS + "/team-a")
    ws("ws.list.final", "GET", WS)
    # Last: on our side this creates a project, which would show in any later listing.
    in_ws("ws.header.write_unknown_workspace", "never-made", "POST", "/experiments/create", {"name": "ws-exp-2"})


# ============================================================================================
# Webhooks (targets are public IP literals: no DNS needed, and nothing is ever sent to them)

WH = "/webhooks"
HOOK_URL = "https://8.8.8.8/hooks/mlflow"


def ev(entity, action):
    return {"entity": entity, "action": action}


def webhooks() -> None:
    def create(name, body, capture=None, **kw):
        # Ids of webhooks not captured differ between the servers.
        return call(name, "POST", WH, body, capture=capture, mask=["webhook.webhook_id"], **kw)

    def listing(name, query=None, **kw):
        return call(name, "GET", WH, query=query, mask=["webhooks.[].webhook_id"], **kw)

    def hook(**fields):
        return {"name": "diff-hook", "url": HOOK_URL, "events": [ev("MODEL_VERSION", "CREATED")], **fields}

    create("wh.create.basic", hook(), {"wh_a": "webhook.webhook_id"})
    create(
        "wh.create.full",
        hook(
            name="diff.hook_2",
            description="tells CI",
            secret="never-shown",
            status="DISABLED",
            events=[ev("MODEL_VERSION_TAG", "SET"), ev(2, 1), ev("PROMPT_ALIAS", "DELETED")],
        ),
        {"wh_b": "webhook.webhook_id"},
    )
    create("wh.create.status_number", hook(status=2, events=[ev("BUDGET_POLICY", "EXCEEDED")]))
    create("wh.create.status_unknown_name", hook(status="paused"), {"wh_c": "webhook.webhook_id"})
    create("wh.create.status_bad_number", hook(status=3))
    create("wh.create.status_list", hook(status=[]))
    create("wh.create.empty_description_and_secret", hook(description="", secret=""))
    create("wh.create.missing_name", {"url": HOOK_URL, "events": [ev("PROMPT", "CREATED")]})
    create("wh.create.empty_name", hook(name=""))
    create("wh.create.name_wrong_type", hook(name=5))
    create("wh.create.missing_url", {"name": "h", "events": [ev("PROMPT", "CREATED")]})
    create("wh.create.empty_url", hook(url=""))
    create("wh.create.url_wrong_type", hook(url=5))
    create("wh.create.missing_events", {"name": "h", "url": HOOK_URL})
    create("wh.create.events_empty", hook(events=[]))
    create("wh.create.events_wrong_type", hook(events="x"))
    create("wh.create.events_object", hook(events=ev("PROMPT", "CREATED")))
    create("wh.create.description_wrong_type", hook(description=5))
    create("wh.create.secret_wrong_type", hook(secret=1))
    create("wh.create.invalid_name", hook(name="-hook"))
    create("wh.create.name_with_space", hook(name="a hook"))
    create("wh.create.name_63_chars", hook(name="a" * 63))
    create("wh.create.name_64_chars", hook(name="a" * 64))
    create("wh.create.invalid_action", hook(events=[ev("REGISTERED_MODEL", "SET")]))
    create("wh.create.invalid_action_listed", hook(events=[ev("MODEL_VERSION_ALIAS", "SET")]))
    # The event pair is checked before the name.
    create("wh.create.invalid_action_and_name", hook(name="-x", events=[ev("PROMPT_TAG", "CREATED")]))
    create("wh.create.duplicate_events", hook(events=[ev("PROMPT", "CREATED"), ev("PROMPT", "CREATED")]))
    create("wh.create.scheme_http", hook(url="http://8.8.8.8/h"))
    create("wh.create.scheme_ftp", hook(url="ftp://8.8.8.8/h"))
    create("wh.create.no_scheme", hook(url="//8.8.8.8/h"))
    create("wh.create.url_whitespace", hook(url="   "))
    create("wh.create.url_no_hostname", hook(url="https:///h"))
    create("wh.create.url_uppercase_scheme", hook(url="HTTPS://8.8.4.4/h"))
    create("wh.create.url_with_query", hook(url="https://8.8.8.8:8443/h?x=1"))
    create("wh.create.loopback", hook(url="https://127.0.0.1/h"))
    create("wh.create.loopback_with_port", hook(url="https://127.0.0.1:5000/h"))
    create("wh.create.localhost", hook(url="https://localhost/h"))
    create("wh.create.metadata_service", hook(url="https://169.254.169.254/latest/meta-data"))
    create("wh.create.ipv6_loopback", hook(url="https://[::1]/h"))
    create("wh.create.ipv6_mapped_loopback", hook(url="https://[::ffff:127.0.0.1]/h"))
    create("wh.create.ipv6_unique_local", hook(url="https://[fd00:ec2::254]/h"))
    create("wh.create.six_to_four_private", hook(url="https://[2002:a00:1::]/h"))
    create("wh.create.private_10", hook(url="https://10.1.2.3/h"))
    create("wh.create.private_192", hook(url="https://192.168.1.1/h"))
    create("wh.create.shared_100_64", hook(url="https://100.64.0.1/h"))
    create("wh.create.unspecified", hook(url="https://0.0.0.0/h"))
    create("wh.create.unresolvable", hook(url="https://no-such-host.invalid/h"))

    listing("wh.list.all")
    listing("wh.list.page1", {"max_results": 2}, capture={"wh_token": "next_page_token"})
    listing("wh.list.page2", {"max_results": 2, "page_token": "{{wh_token}}"})
    listing("wh.list.zero_means_default", {"max_results": 0})
    call("wh.list.max_results_too_big", "GET", WH, query={"max_results": 1001})
    call("wh.list.max_results_negative", "GET", WH, query={"max_results": -1})
    call("wh.list.max_results_not_int", "GET", WH, query={"max_results": "abc"})
    call("wh.list.bad_page_token", "GET", WH, query={"page_token": "abc"})

    call("wh.get.ok", "GET", WH + "/{{wh_b}}")
    call("wh.get.unknown", "GET", WH + "/no-such-webhook")

    one = WH + "/{{wh_a}}"
    call("wh.update.nothing", "PATCH", one, {})
    call("wh.update.empty_fields_change_nothing", "PATCH", one, {"name": "", "url": "", "events": []})
    call(
        "wh.update.fields",
        "PATCH",
        one,
        {
            "name": "renamed",
            "description": "now described",
            "url": "https://1.1.1.1/x",
            "events": [ev("PROMPT_VERSION_TAG", "DELETED"), ev("PROMPT", "CREATED")],
            "status": "DISABLED",
            "secret": "rotated",
        },
    )
    call("wh.update.clear_description", "PATCH", one, {"description": ""})
    call("wh.update.status_unknown_name_ignored", "PATCH", one, {"status": "paused"})
    call("wh.update.path_id_wins", "PATCH", one, {"webhook_id": "{{wh_b}}", "name": "by-path"})
    call("wh.update.invalid_name", "PATCH", one, {"name": "-x"})
    call("wh.update.loopback_url", "PATCH", one, {"url": "https://127.0.0.1/"})
    call("wh.update.bad_scheme", "PATCH", one, {"url": "ftp://8.8.8.8/"})
    call("wh.update.invalid_action", "PATCH", one, {"events": [ev("MODEL_VERSION_ALIAS", "SET")]})
    call("wh.update.unknown", "PATCH", WH + "/no-such-webhook", {"name": "x"})
    # Event pairs are checked before the webhook is looked up.
    call("wh.update.unknown_with_invalid_action", "PATCH", WH + "/no-such-webhook", {"events": [ev("PROMPT", "SET")]})
    call("wh.get.after_updates", "GET", one)

    call("wh.test.unknown", "POST", WH + "/no-such-webhook/test", {})
    call("wh.test.invalid_action_first", "POST", WH + "/no-such-webhook/test", {"event": ev("PROMPT", "SET")})

    call("wh.delete.ok", "DELETE", WH + "/{{wh_c}}")
    call("wh.delete.again", "DELETE", WH + "/{{wh_c}}")
    call("wh.get.after_delete", "GET", WH + "/{{wh_c}}")
    call("wh.update.after_delete", "PATCH", WH + "/{{wh_c}}", {"name": "x"})
    listing("wh.list.after_delete")
    call("wh.method.put", "PUT", one, {})
