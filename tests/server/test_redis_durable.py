"""``gladi serve --redis`` wants a Redis that keeps the day: its append-only file on, or the
loss accepted in words (``--redis-ephemeral``); ``redis+sentinel://`` URLs name a primary
through its sentinels."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from gladi.cli import main
from server.cluster import redis_client
from tests.realparts import needs

from .redisproc import REDIS, redis_server
from .serverproc import free_port, gladi_serve, kill


def _serve(data: Path, url: str, *options: str, lang: str = "en") -> int:
    return main(["--lang", lang, "serve", "--redis", url, *options, "--data", str(data),
                 "--host", "127.0.0.1", "--port", "0"])


@needs(REDIS, "redis-server")
def test_a_redis_without_its_append_only_file_is_refused_in_words(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with redis_server(tmp_path / "redis", aof=False) as url:
        assert _serve(tmp_path / "en", url) == 2
        said = capsys.readouterr().err
        assert "appendonly no" in said and "--redis-ephemeral" in said, said
        assert "Traceback" not in said
        assert _serve(tmp_path / "id", url, lang="id") == 2
        said = capsys.readouterr().err
        assert "tidak menyimpan data ke disk" in said and "--redis-ephemeral" in said, said
        # Refused before anything was written: the day did not start on that Redis.
        db = redis.Redis.from_url(url, decode_responses=True)
        assert db.keys("gladi:*") == []
        db.close()


@needs(REDIS, "redis-server")
def test_redis_ephemeral_accepts_the_loss_and_serves(tmp_path: Path) -> None:
    with redis_server(tmp_path / "redis", aof=False) as url:
        proc = gladi_serve(tmp_path / "data", free_port(), "--redis", url, "--redis-ephemeral")
        try:
            assert proc.stdout is not None
            seen = []
            for line in proc.stdout:  # the banner is printed once the worker serves
                seen.append(line)
                if "Trainer key" in line:
                    break
            else:
                raise AssertionError("".join(seen))
            db = redis.Redis.from_url(url, decode_responses=True)
            assert db.hlen("gladi:rooms") == 1  # the first room of the day, in that Redis
            db.close()
        finally:
            kill(proc)


@pytest.mark.parametrize("url", ["redis+sentinel://127.0.0.1:26379/gladi",
                                 "redis+sentinel://a:1,b:2/gladi/",
                                 "redis+sentinel://[::1]:26379/gladi"])
def test_a_sentinel_url_names_its_sentinels_and_service(url: str) -> None:
    client, through_sentinel = redis_client(url)
    assert through_sentinel
    pool = client.connection_pool
    assert getattr(pool, "service_name", None) == "gladi"


@pytest.mark.parametrize("url", ["redis+sentinel://127.0.0.1:26379", "redis+sentinel:///gladi",
                                 "redis+sentinel://host/gladi"])
def test_a_sentinel_url_without_sentinels_or_service_is_a_user_error(
        url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError):
        redis_client(url)
    assert _serve(tmp_path, url) == 2
    said = capsys.readouterr().err
    assert "Cannot use the Redis server" in said and "Traceback" not in said, said
