"""JupyterHub 5 for one lab-room machine (issue 17); tested by tests/classroom/test_hub.py.

Choices (why):
- NativeAuthenticator: users sign up, the admin approves them; never an open hub.
- SimpleLocalProcessSpawner: every learner's server runs as the hub's own system user, each in
  its own folder (state/users/<name>). Real system users (LocalProcessSpawner) would need
  `useradd` for every student, which NativeAuthenticator cannot do. mem_limit is not enforced
  by a local spawner (it is only passed to the server as MEM_LIMIT); on The Littlest JupyterHub
  systemd enforces it, on Zero to JupyterHub Kubernetes does (README, "The classroom hub").
- Everything binds 127.0.0.1 unless ECSLAB_HUB_IP says otherwise (an explicit choice).
- A clean stop: SIGTERM or SIGINT (Ctrl-C) to the hub stops the idle culler, every learner's
  server (and so their kernels) and the proxy the hub started, then the hub exits 0.

Environment (all optional): ECSLAB_HUB_IP, ECSLAB_HUB_PORT (public, default 8000),
ECSLAB_HUB_PROXY_API_PORT (default PORT+1), ECSLAB_HUB_INTERNAL_PORT (default PORT+2),
ECSLAB_HUB_STATE (database, cookie secret, learners' folders), ECSLAB_HUB_ADMIN (the admin user,
default "instructor"), ECSLAB_HUB_MEM_LIMIT (default 1G), ECSLAB_HUB_CULL_TIMEOUT (seconds idle
before a server is stopped, default 3600), ECSLAB_HUB_API_TOKEN (a token for scripts with the
admin role: creating users, starting servers).
"""

import os
import signal
import subprocess
import sys

c = get_config()  # noqa: F821 (JupyterHub injects get_config)

here = os.path.dirname(os.path.abspath(__file__))
ip = os.environ.get("ECSLAB_HUB_IP", "127.0.0.1")
port = int(os.environ.get("ECSLAB_HUB_PORT", "8000"))
proxy_api_port = int(os.environ.get("ECSLAB_HUB_PROXY_API_PORT", port + 1))
hub_port = int(os.environ.get("ECSLAB_HUB_INTERNAL_PORT", port + 2))
state = os.path.abspath(os.environ.get("ECSLAB_HUB_STATE", os.path.join(here, "state")))
os.makedirs(state, exist_ok=True)

c.JupyterHub.bind_url = f"http://{ip}:{port}/"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = hub_port
c.JupyterHub.db_url = f"sqlite:///{os.path.join(state, 'jupyterhub.sqlite')}"
c.JupyterHub.cookie_secret_file = os.path.join(state, "jupyterhub_cookie_secret")

# The hub starts configurable-http-proxy itself (from classroom/hub/node_modules, `npm ci`), so
# it also stops it: cleanup_proxy and cleanup_servers are JupyterHub's defaults, set here so the
# clean stop does not depend on them. The pid file goes to the state folder, not the cwd.
c.ConfigurableHTTPProxy.command = [
    os.path.join(here, "node_modules", ".bin", "configurable-http-proxy")
]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.pid_file = os.path.join(state, "jupyterhub-proxy.pid")
c.JupyterHub.cleanup_proxy = True
c.JupyterHub.cleanup_servers = True

# Two causes of a slow or unclean stop, both fixed here:
# 1. Started in the background (`make classroom &`, a CI job, nohup-style scripts) the hub
#    inherits SIGINT as *ignored*, and the idle culler (spawned before the hub installs its own
#    handlers) inherits that too: the hub's SIGINT to it did nothing and the stop waited 10 s
#    for SIGTERM. Restoring the default before anything is spawned lets SIGINT work.
# 2. With the hub in a terminal, every single-user server inherited the terminal as stdin, and
#    jupyter_server then answers SIGINT with an interactive "Shut down? (y/[n])" prompt
#    instead of stopping. Their stdin is /dev/null instead.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
c.LocalProcessSpawner.popen_kwargs = {"stdin": subprocess.DEVNULL}

c.JupyterHub.authenticator_class = "native"
admin = os.environ.get("ECSLAB_HUB_ADMIN", "instructor")
c.Authenticator.admin_users = {admin}
c.NativeAuthenticator.open_signup = False

c.JupyterHub.spawner_class = "simple"
c.Spawner.notebook_dir = os.path.join(state, "users", "{username}")
c.Spawner.default_url = "/lab"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(state, "users", "{username}")
# The lessons' kernels check every response against botocore's shapes when this is set.
c.Spawner.env_keep = [
    *("PATH", "PYTHONPATH", "VIRTUAL_ENV", "LANG", "LC_ALL", "JUPYTERHUB_SINGLEUSER_APP"),
    *("ECSLAB_CHECK_SHAPES", "AWS_EC2_METADATA_DISABLED"),
]


def make_user_dir(spawner) -> None:
    """Each learner gets their own folder (the spawner does not create it)."""
    os.makedirs(os.path.join(state, "users", spawner.user.name), exist_ok=True)


c.Spawner.pre_spawn_hook = make_user_dir
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
# As root (a container, a classroom VM, CI) jupyterhub-singleuser refuses to start without
# --allow-root (issue 20); `make classroom` says so when it passes it.
if os.getuid() == 0:
    c.Spawner.args = ["--allow-root"]
c.Spawner.mem_limit = os.environ.get("ECSLAB_HUB_MEM_LIMIT", "1G")

token = os.environ.get("ECSLAB_HUB_API_TOKEN")
cull_timeout = int(os.environ.get("ECSLAB_HUB_CULL_TIMEOUT", "3600"))
cull = [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={cull_timeout}"]
c.JupyterHub.services = [{"name": "idle-culler", "command": cull}]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
if token:
    c.JupyterHub.services.append({"name": "ecslab-admin", "api_token": token})
    c.JupyterHub.load_roles.append({"name": "admin", "services": ["ecslab-admin"]})
