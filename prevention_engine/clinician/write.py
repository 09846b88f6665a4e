"""A ``Doc`` written out as Markdown (GitHub tables) or as a standalone HTML page."""

from __future__ import annotations

import html as _html
import re
from typing import Any

from .document import Cell, Code, Doc, Line, Link, Strong

_SPACES = re.compile(r"\s+")


def _md_segment(s: Any) -> str:
    if isinstance(s, Link):
        return f"[{_md_text(s.text)}]({s.url.replace(' ', '%20').replace(')', '%29')})"
    if isinstance(s, Code):
        return f"`{s.text.replace('`', '')}`"
    if isinstance(s, Strong):
        # CommonMark: no space just inside the ** delimiters, so trailing space goes outside
        core = s.text.rstrip()
        return f"**{_md_text(core)}**{s.text[len(core):]}" if core else ""
    return _md_text(str(s))


def _md_text(text: str) -> str:
    """Plain text safe in a Markdown table cell: no pipe, no line break, no HTML, no emphasis
    markers read as formatting."""
    text = _SPACES.sub(" ", text)
    for ch in ("\\", "|", "*", "<", ">", "[", "]", "`"):
        text = text.replace(ch, "\\" + ch)
    return text


def _md_line(line: Line) -> str:
    return "".join(_md_segment(s) for s in line)


def _md_cell(cell: Cell) -> str:
    return "<br>".join(_md_line(line) for line in cell)


def markdown(doc: Doc) -> str:
    out: list[str] = []
    for block in doc.blocks:
        kind = block[0]
        if kind == "h1":
            out += [f"# {block[1]}", ""]
        elif kind == "h2":
            out += [f"## {block[1]}", ""]
        elif kind == "p":
            out += [_md_line(block[1]), ""]
        elif kind == "ul":
            out += [f"- {_md_line(line)}" for line in block[1]] + [""]
        elif kind == "table":
            header, rows = block[1], block[2]
            out.append("| " + " | ".join(header) + " |")
            out.append("|" + "---|" * len(header))
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _h_segment(s: Any) -> str:
    if isinstance(s, Link):
        return f'<a href="{_html.escape(s.url)}">{_html.escape(s.text)}</a>'
    if isinstance(s, Code):
        return f"<code>{_html.escape(s.text)}</code>"
    if isinstance(s, Strong):
        return f"<strong>{_html.escape(s.text)}</strong>"
    return _html.escape(str(s))


def _h_line(line: Line) -> str:
    return "".join(_h_segment(s) for s in line)


STYLE = ("body{font-family:system-ui,sans-serif;margin:1.5em;line-height:1.35}"
         "table{border-collapse:collapse;font-size:.9em}th,td{border:1px solid #bbb;"
         "padding:.3em .5em;vertical-align:top;text-align:left}th{background:#eee}"
         "code{font-size:.95em}")


def html(doc: Doc) -> str:
    title = next((b[1] for b in doc.blocks if b[0] == "h1"), "Calendrier")
    out = ["<!DOCTYPE html>", '<html lang="fr">', "<head>", '<meta charset="utf-8">',
           f"<title>{_html.escape(title)}</title>", f"<style>{STYLE}</style>", "</head>",
           "<body>"]
    for block in doc.blocks:
        kind = block[0]
        if kind in ("h1", "h2"):
            out.append(f"<{kind}>{_html.escape(block[1])}</{kind}>")
        elif kind == "p":
            out.append(f"<p>{_h_line(block[1])}</p>")
        elif kind == "ul":
            out += ["<ul>", *(f"<li>{_h_line(line)}</li>" for line in block[1]), "</ul>"]
        elif kind == "table":
            out.append("<table>")
            out.append("<tr>" + "".join(f"<th>{_html.escape(h)}</th>" for h in block[1])
                       + "</tr>")
            for row in block[2]:
                cells = ("<br>".join(_h_line(line) for line in cell) for cell in row)
                out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
            out.append("</table>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
