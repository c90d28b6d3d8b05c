"""Tell people when something needs them: new gaps, or a run that could not conclude. By e-mail (SMTP)
and/or a JSON POST to a webhook. A failed alert is reported, never fatal to the run."""

from __future__ import annotations

import json
import os
import smtplib
import urllib.request
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from auditor.config import AlertSettings
from auditor.departments import Departments
from auditor.safe import plain


def events(findings: dict[str, Any]) -> dict[str, Any]:
    """What happened that people must hear about: {'new_gaps': [...], 'inconclusive': reason}."""
    attempt = findings.get("latest_attempt")
    out: dict[str, Any] = {}
    if attempt and attempt["status"] != "complete":
        out["inconclusive"] = attempt["reason"]
        return out
    if findings["audit"]["status"] != "complete":
        out["inconclusive"] = findings["audit"]["reason"]
        return out
    changes = findings.get("changes") or {}
    # first audit: every gap is news
    new_ids = set(changes.get("new", [])) if changes.get("previous_audit") else None
    new = [it for it in findings["items"] if it["open"] and (new_ids is None or it["id"] in new_ids)]
    if new:
        out["new_gaps"] = [
            {
                "id": it["id"],
                "item": it["short"],
                "status": it["status"],
                "owner": it["owner"],
                "message": it["findings"][0]["message"] if it["findings"] else "",
            }
            for it in new
        ]
    return out


def _text(findings: dict[str, Any], happened: dict[str, Any], reports: list[Path]) -> tuple[str, str]:
    school, as_of = findings["school"], (findings.get("latest_attempt") or findings["run"])["as_of"]
    if "inconclusive" in happened:
        subject = f"[auditor] {school}：{as_of} 信息公开监测无法完成"
        body = (
            f"{school} {as_of} 的信息公开监测未能完成：{happened['inconclusive']}。\n"
            "本次不认定任何事项缺失；当前有效的仍是最近一次完整检查的结果。请检查网站或网络后重新运行。\n"
        )
    else:
        gaps = happened["new_gaps"]
        subject = f"[auditor] {school}：新发现 {len(gaps)} 项信息公开问题（{as_of}）"
        body = "\n".join(f"- {g['id']} {g['item']}（{g['owner']}）：{g['message']}" for g in gaps) + "\n"
    if reports:
        body += "\n报告：\n" + "\n".join(str(p) for p in reports) + "\n"
    # crawled text (目录 departments, titles in messages) is plain text in the mail; the subject is one line
    return plain(subject).replace("\r", " ").replace("\n", " "), "\n".join(
        plain(line) for line in body.split("\n")
    )


def _mail(settings: AlertSettings, to: tuple[str, ...], subject: str, body: str) -> None:
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = subject, settings.email_from, ", ".join(to)
    msg.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.username:
            smtp.login(settings.username, os.environ.get(settings.password_env, ""))
        smtp.send_message(msg)


def send_alerts(
    settings: AlertSettings,
    findings: dict[str, Any],
    reports: list[Path],
    departments: Departments | None = None,
) -> tuple[list[str], list[str]]:
    """Send what `settings` asks for: the whole story to the central list and the webhook, and to each
    department with contacts the new gaps it owns. Returns (what was sent, what failed)."""
    happened = {k: v for k, v in events(findings).items() if k in settings.on}
    sent: list[str] = []
    failed: list[str] = []
    if not happened:
        return sent, failed
    mails = [(settings.email_to, happened)] if settings.email_to else []
    for dept in (departments.listed if departments else ()) if "new_gaps" in happened else ():
        own = [g for g in happened["new_gaps"] if g["owner"] == dept.name]
        if own and dept.contacts:
            mails.append((dept.contacts, {"new_gaps": own}))
    for to, what in mails if settings.smtp_host else []:
        subject, body = _text(findings, what, reports)
        try:
            _mail(settings, to, subject, body)
            sent.append(f"email to {', '.join(to)}")
        except (OSError, smtplib.SMTPException) as e:
            failed.append(f"email to {', '.join(to)} via {settings.smtp_host}:{settings.smtp_port}: {e}")
    if settings.webhook:
        subject, _ = _text(findings, happened, reports)
        payload = {
            "event": sorted(happened),
            "school": findings["school"],
            "subject": subject,
            **happened,
            "audit": findings.get("latest_attempt") or findings["audit"],
            "reports": [str(p) for p in reports],
        }
        request = urllib.request.Request(
            settings.webhook,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.timeout) as response:  # noqa: S310 (configured URL)
                response.read()
            sent.append(f"webhook {settings.webhook}")
        except OSError as e:
            failed.append(f"webhook {settings.webhook}: {e}")
    return sent, failed
