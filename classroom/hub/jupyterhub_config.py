"""JupyterHub 5 for one lab-room machine (issue 17). WORK IN PROGRESS: not yet tested.

Choices (why):
- NativeAuthenticator: users sign up, the admin approves them; never an open hub.
- LocalProcessSpawner with system users the hub creates (LocalAuthenticator.create_system_users
  is not available for NativeAuthenticator, so `make classroom` would need to create them);
  SimpleLocalProcessSpawner (all users as root, one notebook dir each) is the fallback that is
  real in a container. Neither enforces mem_limit: it is only passed as MEM_LIMIT to the server.
  On TLJH systemd enforces it; on Z2JH Kubernetes does.
- Everything binds 127.0.0.1 unless ECSLAB_HUB_IP says otherwise (an explicit choice).
"""

import os
import sys

c = get_config()  # noqa: F821 (JupyterHub injects get_config)

here = os.path.dirname(os.path.abspath(__file__))
ip = os.environ.get("ECSLAB_HUB_IP", "127.0.0.1")
port = int(os.environ.get("ECSLAB_HUB_PORT", "8000"))
state = os.environ.get("ECSLAB_HUB_STATE", os.path.join(here, "state"))
os.makedirs(state, exist_ok=True)

c.JupyterHub.bind_url = f"http://{ip}:{port}/"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.db_url = f"sqlite:///{os.path.join(state, 'jupyterhub.sqlite')}"
c.JupyterHub.cookie_secret_file = os.path.join(state, "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.command = [
    os.path.join(here, "node_modules", ".bin", "configurable-http-proxy")
]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 1}"
c.JupyterHub.hub_port = port + 2

c.JupyterHub.authenticator_class = "native"
admin = os.environ.get("ECSLAB_HUB_ADMIN", "instructor")
c.Authenticator.admin_users = {admin}
c.NativeAuthenticator.open_signup = False

c.JupyterHub.spawner_class = "simple"
c.Spawner.notebook_dir = os.path.join(state, "users", "{username}")
c.Spawner.default_url = "/lab"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(state, "users", "{username}")


def make_user_dir(spawner) -> None:
    """Each learner gets their own folder (the spawner does not create it)."""
    os.makedirs(os.path.join(state, "users", spawner.user.name), exist_ok=True)


c.Spawner.pre_spawn_hook = make_user_dir
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
if os.getuid() == 0:
    c.Spawner.args = ["--allow-root"]
c.Spawner.mem_limit = os.environ.get("ECSLAB_HUB_MEM_LIMIT", "1G")

token = os.environ.get("ECSLAB_HUB_API_TOKEN")
cull = [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"]
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
