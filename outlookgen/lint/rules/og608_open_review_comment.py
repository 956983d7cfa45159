"""OG608: every comment from the client's review is resolved."""

from __future__ import annotations

from outlookgen.lint.registry import rule

# How much of a comment the finding quotes: enough to recognise it, short enough for one line.
QUOTE_CHARS = 40


@rule("OG608", "open-review-comment", "warning")
def check(ctx):
    """What it checks:
    A comment in the spec's `review:` list (what `outlookgen absorb --write`
    records from a client's Word comments) that is not `resolved: true`.

    Why it matters:
    The client asked a question or raised a doubt on the document; until it
    is answered, the next version goes out with the doubt still open, and
    the client finds the same gap again (闭环反馈: the review loop closes only
    when each comment is answered). A spec without a `review:` list is never
    flagged.

    Example:
    ```yaml
    review:
      - path: /risks/1/mitigation/0
        author: Chen Li
        date: "2026-12-04T09:31:58Z"
        text: Who pays for the cleansing?
    ```

    Instead:
    ```yaml
    review:
      - path: /risks/1/mitigation/0
        author: Chen Li
        date: "2026-12-04T09:31:58Z"
        text: Who pays for the cleansing?
        resolved: true      # answered in the spec: a budget line for the cleansing
        replies:
          - author: Dana Whitfield
            text: "The client, under the data line of the budget."
    ```
    """
    for comment in ctx.outlook.review:
        if comment.open:
            yield ctx.hit(
                ("review", comment.index, "text"),
                "" if comment.path else "document",
                author=comment.author,
                path=comment.path,
                text=quote(comment.text),
                index=comment.index,
            )


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """The comment on one line, cut after about ``limit`` characters at a word break, with "…"."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:  # text with spaces: end at a word; Chinese text has none and is cut anywhere
        cut = cut[:space]
    return cut.rstrip(" ,;:.，；：。") + "…"
