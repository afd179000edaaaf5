"""gunicorn settings for the portal (`gunicorn -c deploy/gunicorn.conf.py liuhe_portal.wsgi`).

Every value can be changed through the environment (the systemd unit reads /etc/liuhe/liuhe.env). Logs go to
stdout/stderr, where systemd's journal keeps them; the access log line carries the request id the portal returns
in X-Request-ID, so one request can be followed from nginx to the application log.
"""

import multiprocessing
import os

# nginx proxies to this address; keep it on the loopback interface.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Large workbooks are built by the task worker, so a request that runs this long is stuck: kill and restart it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so that a slow leak never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s" id=%({x-request-id}o)s'
# nginx on the same machine sets X-Forwarded-For / X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27 would open a control socket under $HOME (/srv/liuhe, read-only under the unit's ProtectSystem=strict);
# the unit reloads and stops gunicorn with signals, so the socket is not needed.
control_socket_disable = True
# Shared memory instead of disk for the workers' heartbeat files.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
