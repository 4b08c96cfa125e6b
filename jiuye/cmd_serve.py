"""`jiuye serve`: API, webhooks and web UI (and, with --with-worker, the scheduler and outbox in-process)."""

from __future__ import annotations

import typer
import uvicorn

from jiuye.context import container


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", help="监听地址"),
        port: int = typer.Option(8000, help="端口"),
        with_worker: bool = typer.Option(False, "--with-worker", help="在同一进程内运行调度器和发送队列"),
        drainers: int = typer.Option(1, "--drainers", help="与 --with-worker 一起使用：发送线程数"),
    ) -> None:
        """启动服务：API、回调、网页聊天和管理后台。"""
        from api.app import create_app
        from jobs.runtime import WorkerRuntime

        c = container()
        application = create_app(c)
        # The worker runs on threads beside uvicorn; uvicorn owns SIGINT/SIGTERM and returns from run() on them,
        # after which the worker finishes its current round and releases the leader lock.
        runtime = WorkerRuntime(c, drainers=max(drainers, 0)) if with_worker else None
        typer.secho(f"就业助手已启动：http://{host}:{port}/", fg=typer.colors.GREEN)
        typer.echo(f"  网页聊天  http://{host}:{port}/chat")
        typer.echo(f"  管理后台  http://{host}:{port}/admin")
        typer.echo(f"  接口文档  http://{host}:{port}/docs")
        typer.echo("  演示账号  var/demo-accounts.json")
        if runtime is not None:
            runtime.start()
            typer.echo(f"  调度器与发送队列已在本进程内运行（发送线程 {runtime.drainers} 个）")
        try:
            uvicorn.run(application, host=host, port=port, log_level="warning")
        finally:
            if runtime is not None:
                runtime.stop()
