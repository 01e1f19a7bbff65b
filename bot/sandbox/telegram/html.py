"""UTF-16 lengths and Telegram's HTML: a port of TDLib's entity parser."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from bot.sandbox.telegram.text import _checked_link, utf16_len

# --- text: UTF-16 lengths and Telegram's HTML ---------------------------------------------------

class EntityParseError(Exception):
    """The text of a "can't parse entities" refusal (without the prefix)."""


_HTML_TAGS: Final = frozenset({
    "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji",
    "span", "pre", "code", "blockquote",
})
_SIMPLE_ENTITY: Final = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_NAMED_ENTITIES: Final = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACE: Final = frozenset(" \t\r\n\0\v")


def _is_space(ch: str) -> bool:
    return ch in _SPACE


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _decode_html_entity(text: str, pos: int, strict: bool) -> tuple[str, int] | None:
    """Decode ``&...;`` at ``pos`` like TDLib; returns (character, next position) or None."""
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        base, digits = 10, "0123456789"
        if end < n and text[end] == "x":
            end += 1
            base, digits = 16, "0123456789abcdefABCDEF"
        code = 0
        while end < n and text[end] in digits:
            code = code * base + int(text[end], base)
            end += 1
            if code >= 0x10FFFF:
                return None
        if code == 0 or end - pos >= 10:
            return None
        char = chr(code)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(text[pos + 1:end])
        if named is None:
            return None
        char = named
    if end < n and text[end] == ";":
        return char, end + 1
    return None if strict else (char, end)


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int  # UTF-16 offset in the result
    result_pos: int  # index in the result string


def parse_html(text: str, strict_ampersand: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (visible text, entities), raising EntityParseError like TDLib.

    A port of TDLib's ``parse_html``: the same tags, attribute rules, error texts and byte offsets.
    With ``strict_ampersand`` a ``&`` that does not start ``&lt; &gt; &amp; &quot; &#N; &#xH;`` is
    refused; Telegram itself keeps such an ``&`` as text.
    """
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else "\0"

    def byte_offset(k: int) -> int:
        return len(text[:k].encode("utf-8", "surrogatepass"))

    result: list[str] = []
    result_len = 0
    utf16 = 0
    entities: list[dict[str, Any]] = []
    stack: list[_OpenTag] = []
    i = 0
    while i < n:
        c = text[i]
        if c == "&":
            decoded = _decode_html_entity(text, i, strict_ampersand)
            if decoded is not None:
                char, i = decoded
                result.append(char)
                result_len += 1
                utf16 += utf16_len(char)
                continue
            if strict_ampersand:
                raise EntityParseError(
                    f'Unescaped "&" at byte offset {byte_offset(i)}: write it as &amp; '
                    "(FakeTelegram is stricter than Telegram here, see strict_ampersand)"
                )
        if c != "<":
            result.append(c)
            result_len += 1
            utf16 += utf16_len(c)
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != "/":
            tag, i = _parse_start_tag(text, begin, i, at, byte_offset)
            tag.offset, tag.result_pos = utf16, result_len
            stack.append(tag)
        else:
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {byte_offset(begin)}")
            while not _is_space(at(i)) and at(i) != ">":
                i += 1
            end_name = text[begin + 2:i]
            while _is_space(at(i)) and at(i) != "\0":
                i += 1
            if at(i) != ">":
                raise EntityParseError(f"Unclosed end tag at byte offset {byte_offset(begin)}")
            tag = stack[-1]
            if end_name and end_name != tag.name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {byte_offset(begin)}, expected "
                    f'"</{tag.name}>", found "</{end_name}>"'
                )
            if utf16 > tag.offset:
                inner = "".join(result[tag.result_pos:])
                _close_entity(entities, tag, utf16 - tag.offset, inner)
            stack.pop()
        i += 1  # past '>'
    if stack:
        raise EntityParseError(
            f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"'
        )
    for entity in entities:
        entity.pop("_language", None)  # a language only survives on a pre entity
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(result), entities


def _parse_start_tag(
    text: str, begin: int, i: int, at: Callable[[int], str], byte_offset: Callable[[int], int],
) -> tuple[_OpenTag, int]:
    """Parse ``<name attr=...>`` from ``i`` (just after '<'); returns the tag and the '>' index."""
    while not _is_space(at(i)) and at(i) != ">":
        i += 1
    if at(i) == "\0":
        raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
    name = text[begin + 1:i].lower()
    if name not in _HTML_TAGS:
        raise EntityParseError(
            f'Unsupported start tag "{name}" at byte offset {byte_offset(begin)}'
        )
    argument = ""
    while at(i) != ">":
        while at(i) != "\0" and _is_space(at(i)):
            i += 1
        if at(i) == ">":
            break
        attr_begin = i
        while not _is_space(at(i)) and at(i) not in ("=", ">"):
            i += 1
        attr = text[attr_begin:i]
        if not attr:
            raise EntityParseError(
                f'Empty attribute name in the tag "{name}" at byte offset {byte_offset(begin)}'
            )
        while at(i) != "\0" and _is_space(at(i)):
            i += 1
        if at(i) != "=":
            if name == "blockquote" and attr == "expandable":
                argument = "1"
                continue
            raise EntityParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{name}" at byte '
                f"offset {byte_offset(begin)}"
            )
        i += 1
        while at(i) != "\0" and _is_space(at(i)):
            i += 1
        if at(i) == "\0":
            raise EntityParseError(
                f'Unclosed start tag "{name}" at byte offset {byte_offset(begin)}'
            )
        value, i = _parse_attribute_value(text, i, at, byte_offset)
        if at(i) == "\0":
            raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
        if name == "a" and attr == "href":
            argument = value
        elif name == "code" and attr == "class" and value.startswith("language-"):
            argument = value[len("language-"):]
        elif name == "span" and attr == "class" and value.startswith("tg-"):
            argument = value[len("tg-"):]
        elif name == "tg-emoji" and attr == "emoji-id":
            argument = value
        elif name == "blockquote" and attr == "expandable":
            argument = "1"
    if name == "span" and argument != "spoiler":
        raise EntityParseError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(begin)}'
        )
    return _OpenTag(name, argument, 0, 0), i


def _parse_attribute_value(
    text: str, i: int, at: Callable[[int], str], byte_offset: Callable[[int], int],
) -> tuple[str, int]:
    if at(i) not in ("'", '"'):
        start = i  # a name token: letters, digits, periods, hyphens; case-insensitive
        while _is_ascii_alnum(at(i)) or at(i) in (".", "-"):
            i += 1
        if not _is_space(at(i)) and at(i) != ">":
            raise EntityParseError(f"Unexpected end of name token at byte offset "
                                   f"{byte_offset(start)}")
        return text[start:i].lower(), i
    quote = at(i)
    i += 1
    value: list[str] = []
    while at(i) != quote and at(i) != "\0":
        if at(i) == "&":
            decoded = _decode_html_entity(text, i, strict=False)
            if decoded is not None:
                value.append(decoded[0])
                i = decoded[1]
                continue
        value.append(at(i))
        i += 1
    if at(i) == quote:
        i += 1
    return "".join(value), i


def _close_entity(entities: list[dict[str, Any]], tag: _OpenTag, length: int, inner: str) -> None:
    offset = tag.offset
    span: dict[str, Any] = {"offset": offset, "length": length}
    if tag.name in _SIMPLE_ENTITY:
        entities.append({"type": _SIMPLE_ENTITY[tag.name], **span})
    elif tag.name == "span":
        entities.append({"type": "spoiler", **span})
    elif tag.name == "tg-emoji":
        if not tag.argument.isdigit() or int(tag.argument) == 0:
            raise EntityParseError("Invalid custom emoji identifier specified")
        entities.append({"type": "custom_emoji", **span, "custom_emoji_id": tag.argument})
    elif tag.name == "a":
        url = _checked_link(tag.argument or inner)
        if url is not None:  # Telegram silently drops links it cannot use
            entities.append({"type": "text_link", **span, "url": url})
    elif tag.name == "pre":
        last = entities[-1] if entities else None
        if (last and last["type"] == "code" and last["offset"] == offset
                and last["length"] == length and last.get("_language")):
            last["type"] = "pre"
            last["language"] = last.pop("_language")
        else:
            entities.append({"type": "pre", **span})
    elif tag.name == "code":
        last = entities[-1] if entities else None
        if (last and last["type"] == "pre" and last["offset"] == offset
                and last["length"] == length and tag.argument):
            last["language"] = tag.argument
        else:
            entities.append({"type": "code", **span, "_language": tag.argument})
    elif tag.name == "blockquote":
        kind = "expandable_blockquote" if tag.argument == "1" else "blockquote"
        entities.append({"type": kind, **span})


