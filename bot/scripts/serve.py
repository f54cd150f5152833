"""`make run`: start the bot on 127.0.0.1:$PORT with the embedded defaults, and say how to try it.

For production use gunicorn (`gunicorn -w 4 -b 0.0.0.0:8000 wsgi:app`), not this.
"""

from __future__ import annotations

import argparse
import logging

from bot import create_app
from bot.config import load_config


def main() -> None:
    parser = argparse.ArgumentParser(description="Run 反诈哨兵 locally (development server).")
    parser.add_argument("--port", type=int, help="port (default: $PORT or 5000)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    overrides = {"port": args.port} if args.port else {}
    config = load_config(overrides)
    if config.local_mode and not config.wecom_secret:
        from bot.playground.local import create_local_app

        app = create_local_app(overrides)  # a fake API, the worker in a thread, a movable clock
    else:
        app = create_app(overrides)
    config = app.extensions["fanzha"].config
    print_banner(config)
    app.run(host="127.0.0.1", port=config.port, threaded=True, use_reloader=False)


def print_banner(config) -> None:
    base = f"http://127.0.0.1:{config.port}"
    lines = ["", "反诈哨兵 is running.", f"  Webhook:    {base}/wechat", f"  Health:     {base}/healthz"]
    if config.playground:
        lines.append(f"  Playground: {base}/playground   <- open this in a browser")
    if config.local_mode:
        lines += [
            "  Local mode (no WECHAT_TOKEN set): made-up credentials for this run:",
            f"    WECHAT_TOKEN={config.wechat_token}",
            f"    WECHAT_APP_ID={config.wechat_app_id}",
            f"    WECHAT_AES_KEY={config.wechat_aes_key}",
            "  Outbound WeChat/WeCom calls go to a local fake; the worker runs inside this process.",
        ]
    print("\n".join(lines) + "\n", flush=True)


if __name__ == "__main__":
    main()
