"""`jiuye worker` (the leader-only scheduler and the outbox drainers) and `jiuye outbox list|retry|drain`."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import sqlalchemy as sa
import typer

from bot import outbox
from bot.errors import Conflict, NotFound
from bot.outbox.worker import Drainer, DrainOptions, worker_id
from bot.security import audit
from jiuye.context import container
from jobs.runtime import WorkerRuntime
from models import OutboxMessage, OutboxStatus
from models.db import transaction

outbox_app = typer.Typer(help="发送队列：查看、重发已搁置的消息、立即发送到期的消息。", no_args_is_help=True)


def drain_options(drainers: int, batch: int, concurrency: int, lease: float) -> DrainOptions:
    if drainers < 0 or batch < 1 or concurrency < 1 or lease < 5:
        typer.secho(
            "错误：--drainers 不能为负，--batch、--concurrency 至少为 1，--lease 至少 5 秒",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(2)
    return DrainOptions(batch=batch, concurrency=concurrency, lease_s=lease)


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM (systemd, docker stop) and SIGINT (Ctrl-C) end the worker after the current round."""

    def handler(signum: int, frame: FrameType | None) -> None:
        typer.echo("收到停止信号，正在结束当前批次……")
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def register(app: typer.Typer) -> None:
    @app.command()
    def worker(
        drainers: int = typer.Option(2, "--drainers", help="发送线程数（每个线程并发发送 --concurrency 条）"),
        scheduler: bool = typer.Option(
            True, "--scheduler/--no-scheduler", help="是否参与调度器选主（同一时刻只有一个进程运行定时任务）"
        ),
        batch: int = typer.Option(200, help="每次领取的消息条数"),
        concurrency: int = typer.Option(16, help="每个发送线程同时进行的请求数（平台响应慢时可调大）"),
        lease: float = typer.Option(
            120.0, help="领取消息的租期（秒）；进程崩溃后，其未完成的消息在租期结束后由其他进程接手"
        ),
    ) -> None:
        """运行调度器和发送队列（生产环境单独运行的进程；可以运行多个，调度器自动选主）。"""
        runtime = WorkerRuntime(
            container(),
            drainers=drainers,
            scheduler=scheduler,
            drain_options=drain_options(drainers, batch, concurrency, lease),
        )
        stop_on_signals(runtime.stop_event)
        runtime.start()
        typer.secho(
            f"工作进程已启动：发送线程 {drainers} 个，调度器{'参与选主' if scheduler else '未启用'}",
            fg=typer.colors.GREEN,
        )
        runtime.wait()
        clean = runtime.stop()
        typer.echo("工作进程已停止" if clean else "工作进程停止超时：部分消息将在租期结束后由其他进程接手")

    app.add_typer(outbox_app, name="outbox")


@outbox_app.command("list")
def list_rows(
    status: OutboxStatus = typer.Option(OutboxStatus.PARKED, help="状态：pending、sending、sent、parked、cancelled"),
    limit: int = typer.Option(50, min=1, max=1000, help="最多显示条数"),
) -> None:
    """列出某种状态的消息（默认：已搁置），最新的在前。"""
    with container().sessions() as session:
        counts = outbox.counts_by_status(session)
        rows = session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.status == status)
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        ).all()
    summary = "，".join(f"{outbox.STATUS_LABELS[s]} {counts.get(s.value, 0)}" for s in OutboxStatus)
    typer.echo(f"发送队列：{summary}")
    if not rows:
        typer.echo(f"没有{outbox.STATUS_LABELS[status]}的消息")
    for r in rows:
        typer.echo(
            f"#{r.id} {r.channel.value}/{r.account} → {r.target_kind}:{r.target_id} [{r.intent}] 尝试 {r.attempts} 次"
        )
        if r.last_error:
            typer.echo(f"    原因：{r.last_error}")


@outbox_app.command("retry")
def retry_row(row_id: int = typer.Argument(..., help="消息编号（见 jiuye outbox list）")) -> None:
    """把已搁置或已取消的消息放回队列重新发送（记入审计日志）。"""
    c = container()
    try:
        with transaction(c.sessions) as session:
            row = outbox.retry(session, row_id, now=c.clock.now())
            audit.record(session, actor="cli", action="outbox.retry", object_type="outbox", object_id=row.id,
                         detail={"key": row.idempotency_key, "last_error": row.last_error})  # fmt: skip
    except (NotFound, Conflict) as exc:
        typer.secho(f"错误：{exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    typer.secho(f"已放回队列：#{row_id}", fg=typer.colors.GREEN)


@outbox_app.command("drain")
def drain_now() -> None:
    """立即发送所有到期的消息，然后退出（不必启动工作进程）。"""
    drainer = Drainer(container(), worker_id(), DrainOptions())
    handled = drainer.drain()
    typer.echo(f"处理 {handled} 条，发送成功 {drainer.sent} 条")
    with container().sessions() as session:
        parked = session.scalar(sa.select(sa.func.count()).where(OutboxMessage.status == OutboxStatus.PARKED)) or 0
    if parked:
        typer.echo(f"另有 {parked} 条已搁置，见 jiuye outbox list")
