import math

import pytest

from ecslab.domain.process import effective_argv, model_process


@pytest.mark.parametrize(
    "argv,forever,seconds,code,lines",
    [
        (["sleep", "360"], False, 360, 0, ()),
        (["sleep", "1m"], False, 60, 0, ()),
        (["sleep", "infinity"], True, math.inf, None, ()),
        (["sh", "-c", "exit 3"], False, 0, 3, ()),
        (["sh", "-c", "sleep 5; exit 1"], False, 5, 1, ()),
        (["sh", "-c", "echo hello && sleep 2 && echo bye"], False, 2, 0, ("hello", "bye")),
        (["sh", "-c", "false && sleep 100"], False, 0, 1, ()),
        (["sh", "-c", "false || exit 4"], False, 0, 4, ()),
        (
            [
                "/bin/sh",
                "-c",
                "echo '<html>' > /usr/local/apache2/htdocs/index.html && httpd-foreground",
            ],
            True,
            math.inf,
            None,
            (),
        ),
        (["httpd-foreground"], True, math.inf, None, ()),
        (["nginx", "-g", "daemon off;"], True, math.inf, None, ()),
        (["python3", "-m", "http.server", "8080"], True, math.inf, None, ()),
        (["my-custom-binary", "--serve"], True, math.inf, None, ()),
        (["sh"], False, 0, 0, ()),
        ([], False, 0, 0, ()),
        (["exit", "300"], False, 0, 44, ()),
        (["sleep", "abc"], False, 0, 1, ("sleep: invalid number 'abc'",)),
    ],
)
def test_process_model(argv, forever, seconds, code, lines):
    p = model_process(argv)
    assert p.runs_forever is forever
    assert p.seconds == seconds
    assert p.exit_code == code
    assert p.log_lines == lines
    assert p.why


def test_effective_argv_follows_docker_rules():
    assert effective_argv(None, None, ["httpd-foreground"], None) == ["httpd-foreground"]
    assert effective_argv(None, ["sleep", "5"], None, ["sh"]) == ["sleep", "5"]
    assert effective_argv(["sh", "-c"], ["exit 2"], ["/docker-entrypoint.sh"], ["nginx"]) == [
        "sh",
        "-c",
        "exit 2",
    ]
    assert effective_argv(
        None, None, ["/docker-entrypoint.sh"], ["nginx", "-g", "daemon off;"]
    ) == ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"]
