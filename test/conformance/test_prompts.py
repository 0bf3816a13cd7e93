"""Prompts through the official client (mlflow.genai): register_prompt with text and chat templates
and new versions, load_prompt by version, alias and @latest, formatting the template, search_prompts,
aliases, prompt and version tags, model config, deleting versions and prompts; prompts stay out of
the model registry's own searches, and each project's prompts are invisible to the others."""

import mlflow
import mlflow.genai
import pytest
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient
from names import project_name, unique_name
from rest import call

IS_PROMPT = "mlflow.prompt.is_prompt"


def stored_version(tracking_uri: str, name: str, version: str) -> dict:
    """A version as the server answers it (the client's get_model_version refuses prompts')."""
    res = call(tracking_uri, "GET", "model-versions/get", {"name": name, "version": version})
    assert res.status_code == 200, res.text
    return res.json()["model_version"]


def no_cache(uri: str):
    """load_prompt caches by URI; 0 reads from the server every time."""
    return mlflow.genai.load_prompt(uri, cache_ttl_seconds=0)


def test_register_load_format_and_alias_prompts(tracking_uri, client):
    name = unique_name("qa")
    v1 = mlflow.genai.register_prompt(
        name=name,
        template="Answer {{question}} in {{language}}.",
        commit_message="first",
        tags={"team": "a"},
    )
    assert v1.version == 1
    assert v1.commit_message == "first"
    v2 = mlflow.genai.register_prompt(
        name=name,
        template="Answer {{question}} briefly, in {{language}}.",
        commit_message="second",
        tags={"stage": "draft"},
    )
    assert v2.version == 2

    loaded = no_cache(f"prompts:/{name}/1")
    assert loaded.template == "Answer {{question}} in {{language}}."
    assert loaded.commit_message == "first"
    assert loaded.tags["team"] == "a"
    assert loaded.variables == {"question", "language"}
    assert loaded.format(question="why?", language="French") == "Answer why? in French."
    assert mlflow.genai.load_prompt(name, version=2).template.startswith("Answer {{question}} briefly")

    # The reserved alias `latest` is resolved by the server to the highest version.
    assert no_cache(f"prompts:/{name}@latest").version == 2

    mlflow.genai.set_prompt_alias(name, alias="production", version=1)
    by_alias = no_cache(f"prompts:/{name}@production")
    assert by_alias.version == 1
    assert by_alias.format(question="q", language="l") == "Answer q in l."
    assert "production" in by_alias.aliases
    mlflow.genai.set_prompt_alias(name, alias="production", version=2)
    assert no_cache(f"prompts:/{name}@production").version == 2
    mlflow.genai.delete_prompt_alias(name, alias="production")
    with pytest.raises(MlflowException):
        no_cache(f"prompts:/{name}@production")

    # What the server stored: a prompt-tagged model, versions with the placeholder source, READY.
    version = stored_version(tracking_uri, name, "1")
    assert version["source"] == "dummy-source"
    assert version["status"] == "READY"
    assert {"key": IS_PROMPT, "value": "true"} in version["tags"]
    model = call(tracking_uri, "GET", "registered-models/get", {"name": name}).json()
    assert {"key": IS_PROMPT, "value": "true"} in model["registered_model"]["tags"]


def test_chat_templates_long_templates_and_model_config(tracking_uri):
    name = unique_name("chat")
    messages = [
        {"role": "system", "content": "You are a {{style}} assistant."},
        {"role": "user", "content": "{{question}}"},
    ]
    mlflow.genai.register_prompt(
        name=name,
        template=messages,
        commit_message="chat",
        model_config={"model_name": "gpt-x", "temperature": 0.2},
    )
    chat = no_cache(f"prompts:/{name}/1")
    assert not chat.is_text_prompt
    assert chat.template == messages
    assert chat.format(style="terse", question="hi?") == [
        {"role": "system", "content": "You are a terse assistant."},
        {"role": "user", "content": "hi?"},
    ]
    assert chat.model_config["model_name"] == "gpt-x"

    long_template = "Summarise {{text}}. " + "Be precise. " * 6000  # ~72 KB in one tag value
    mlflow.genai.register_prompt(name=name, template=long_template)
    assert no_cache(f"prompts:/{name}/2").template == long_template


def test_search_prompts_and_tags(tracking_uri, client):
    a, b = unique_name("alpha"), unique_name("beta")
    mlflow.genai.register_prompt(name=a, template="A {{x}}", tags={"team": "red"})
    mlflow.genai.register_prompt(name=b, template="B {{x}}", tags={"team": "blue"})

    found = mlflow.genai.search_prompts()
    assert sorted(p.name for p in found) == sorted([a, b])
    red = mlflow.genai.search_prompts(filter_string="tags.team = 'red'")
    assert [p.name for p in red] == [a]
    assert IS_PROMPT not in red[0].tags

    mlflow.genai.set_prompt_tag(a, "owner", "alice")
    assert mlflow.genai.get_prompt_tags(a)["owner"] == "alice"
    mlflow.genai.delete_prompt_tag(a, "owner")
    assert "owner" not in mlflow.genai.get_prompt_tags(a)

    mlflow.genai.set_prompt_version_tag(a, 1, "reviewed", "yes")
    assert no_cache(f"prompts:/{a}/1").tags["reviewed"] == "yes"
    mlflow.genai.delete_prompt_version_tag(a, 1, "reviewed")
    assert "reviewed" not in no_cache(f"prompts:/{a}/1").tags


def test_model_searches_leave_prompts_out(tracking_uri, client):
    prompt = unique_name("prompt")
    mlflow.genai.register_prompt(name=prompt, template="P {{x}}")
    client.create_registered_model("plain-model")

    assert [m.name for m in client.search_registered_models()] == ["plain-model"]
    assert client.search_model_versions() == []
    assert client.search_model_versions(f"name = '{prompt}'") == []
    assert [m.name for m in mlflow.search_registered_models()] == ["plain-model"]
    prompts = client.search_registered_models(filter_string=f"tags.`{IS_PROMPT}` = 'true'")
    assert [m.name for m in prompts] == [prompt]
    assert [p.name for p in mlflow.genai.search_prompts()] == [prompt]


def test_placeholder_source_is_only_for_prompts(tracking_uri, client):
    client.create_registered_model("not-a-prompt")
    with pytest.raises(MlflowException) as err:
        client.create_model_version("not-a-prompt", "dummy-source")
    assert err.value.error_code == "INVALID_PARAMETER_VALUE"
    assert client.search_model_versions("name = 'not-a-prompt'") == []

    # A model cannot become a prompt by registering one under its name.
    with pytest.raises(MlflowException):
        mlflow.genai.register_prompt(name="not-a-prompt", template="x")


def test_create_prompt_version_through_mlflow_client(tracking_uri, client):
    # MlflowClient's prompt methods send the store's own placeholder source, `prompt-template`.
    name = unique_name("client")
    client.create_prompt(name, description="made by the client", tags={"k": "v"})
    version = client.create_prompt_version(name, template="Hi {{who}}", description="one")
    assert version.version == 1
    assert stored_version(tracking_uri, name, "1")["source"] == "prompt-template"
    assert no_cache(f"prompts:/{name}/1").format(who="you") == "Hi you"


def test_delete_prompt_versions_and_prompts(tracking_uri, client):
    name = unique_name("gone")
    for template in ["one {{x}}", "two {{x}}"]:
        mlflow.genai.register_prompt(name=name, template=template)
    client.delete_prompt_version(name, "2")
    assert no_cache(f"prompts:/{name}@latest").version == 1
    client.delete_prompt_version(name, "1")
    client.delete_prompt(name)
    assert mlflow.genai.search_prompts() == []
    assert mlflow.genai.load_prompt(name, version=1, allow_missing=True, cache_ttl_seconds=0) is None


@pytest.mark.trackd_only
def test_each_project_has_its_own_prompts(trackd, switch_tracking_uri):
    uri_a = f"{trackd.url}/projects/{project_name('pr-a')}"
    uri_b = f"{trackd.url}/projects/{project_name('pr-b')}"

    switch_tracking_uri(uri_a)
    mlflow.genai.register_prompt(name="shared", template="in a {{x}}")
    mlflow.genai.set_prompt_alias("shared", alias="prod", version=1)

    switch_tracking_uri(uri_b)
    assert mlflow.genai.search_prompts() == []
    assert MlflowClient(uri_b).search_registered_models(f"tags.`{IS_PROMPT}` = 'true'") == []
    for uri in ["prompts:/shared/1", "prompts:/shared@prod", "prompts:/shared@latest"]:
        with pytest.raises(MlflowException):
            no_cache(uri)
    mlflow.genai.register_prompt(name="shared", template="in b {{x}}")
    assert no_cache("prompts:/shared/1").template == "in b {{x}}"

    switch_tracking_uri(uri_a)
    assert no_cache("prompts:/shared@prod").template == "in a {{x}}"
    assert [p.name for p in mlflow.genai.search_prompts()] == ["shared"]
    text = {"key": "mlflow.prompt.text", "value": "in a {{x}}"}
    assert text in stored_version(uri_a, "shared", "1")["tags"]
