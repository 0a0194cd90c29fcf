"""Coding each mention CAMEO/PLOVER-style: its name, country, sector and entity id.

A phrase's country comes from a modifier ("Syrian", "Russia's"), an "of X", the antecedent of
"its", the dictionary of office holders on the article's date, or the document's country
context; its sector from the head noun, overridden by a modifier ("army spokesman" MIL).
"""

from __future__ import annotations

from eventwire.analysis.actors.context import ActorDoc
from eventwire.analysis.actors.lexicon import people, role_on
from eventwire.analysis.actors.mentions import Mention, slug
from eventwire.analysis.actors.references import (
    code_reference,
    coordinated,
    named_modifier,
    pronoun_subjects,
    residence,
)
from eventwire.analysis.extensions import meta

# codes of actors that are no state: an officer of such a body keeps the body's sector
_NON_STATE = ("UNO", "IGO", "NGO", "IMG")


def resolve(ctx: ActorDoc, mentions: list[Mention]) -> None:
    """Code every mention in text order (earlier ones are the antecedents of later ones), then add
    the further countries of coordinations and the pronoun subjects that refer back."""
    doc = ctx.doc
    history: list[Mention] = []
    for men in mentions:
        if men.kind in ("institution", "title", "group", "org", "person") and not men.info.get("entity"):
            code_phrase(ctx, men, history)
        elif men.kind in ("named", "person"):
            _, country, _ = modifiers(ctx, men)
            if men.kind == "person" and men.info.get("country") is None and country:
                men.info["country"] = country["country"]
        men.extras.pop("_hi", None)
        if men.info and men.kind == "person" and men.extras.get("country_from") == "context":
            owner = possessor_country(ctx, men)
            if owner is not None:  # "Mauritania 's President Mohamed Ould Abdel Aziz": the text says
                men.info["country"] = owner
                men.extras.pop("country_from", None)
        if men.info and (not men.info.get("country") or men.kind == "person"
                         and men.extras.get("country_from") == "context"):
            # a named office holder acts for the country they held office for on the article's
            # date ("President Hassan Rouhani" in a SANA article is Iran's), not the text's country
            known_person(ctx, men)
        if men.info and men.info.get("country") and any(doc[j].lower_ == "ethnic" for j in range(men.start, men.head)):
            residence(ctx, men)
        if men.info:
            history.append(men)
    mentions.extend(coordinated(ctx, mentions))
    mentions.extend(pronoun_subjects(ctx, mentions))
    mentions.sort(key=lambda m: m.start)


def modifiers(ctx: ActorDoc, men: Mention) -> tuple[dict | None, dict | None, str | None]:
    """(named actor, country ref, possessive pronoun) among the phrase's modifiers."""
    doc, matches, lex = ctx.doc, ctx.matches, ctx.lex
    named = country = None
    pron = None
    for j in range(men.start, men.head):
        m = matches.get(j)
        if m is not None and m[1] <= men.head:
            info = m[2]
            if m[1] + 1 < len(doc) and doc[m[1]].text == "-" and doc[m[1] + 1].lower_ in lex.patron_words:
                continue  # "US-allied militias", "government-backed troops": the backer, not the actor
            if info["match"] == "named" and named is None:
                named = info
            elif info["match"] in ("country", "demonym", "capital", "people") and country is None:
                country = info
        lw = doc[j].lower_
        if doc[j].dep_ == "poss" and lw in lex.sg_pron | lex.pl_pron:
            pron = lw
    head = doc[men.head]
    if country is None and named is None:
        for child in head.rights:  # "President ... of Turkey", "police in Kenya"
            if child.dep_ == "prep" and child.lower_ in ("of", "in", "from"):
                for g in child.children:
                    if g.dep_ == "pobj":
                        m = matches.get(g.i)
                        if m is not None:
                            if m[2]["match"] == "named":
                                named = named or (m[2] if child.lower_ == "of" else None)
                            else:
                                country = m[2]
    return named, country, pron


def _sector(ctx: ActorDoc, men: Mention, hi: dict) -> str | None:
    """The head's sector, unless a modifier word says another ("rebel forces" REB); an institution
    takes only a rebel/opposition modifier's, or any when its head is a role ("army spokesman")."""
    lex, head = ctx.lex, ctx.doc[men.head]
    for j in range(men.start, men.head):
        w = ctx.doc[j].lower_
        if w in lex.mod_sector and (hi.get("kind") != "institution" or lex.mod_sector[w] in ("REB", "OPP")
                                    or head.lower_ in lex.role_heads):
            return lex.mod_sector[w]
    return hi.get("sector")


def _canon(ctx: ActorDoc, men: Mention, hi: dict) -> str:
    """The canonical name in the entity id: the head's, a ministry by its kind ("ministry_foreign")."""
    lex = ctx.lex
    canon = hi.get("canon") or "actor"
    if canon == "ministry":
        mod_words = [ctx.doc[j].lower_ for j in range(men.start, men.head)]
        kinds = [lex.ministry_kinds[w] for w in mod_words if w in lex.ministry_kinds]
        canon = "ministry_" + (kinds[0] if kinds else slug("_".join(
            w for w in mod_words if w not in lex.dets and w not in ("and", "of", "'s")) or "unknown"))
    return canon


def code_phrase(ctx: ActorDoc, men: Mention, history: list[Mention]) -> None:
    """Code a phrase headed by a lexicon noun, a tagged name or a person: a short reference takes its
    antecedent, a person their own country, an officer of a named body that body, the rest their
    country (modifier or context) and canon."""
    head = ctx.doc[men.head]
    hi = men.extras.get("_hi") or {}
    named, country, pron = modifiers(ctx, men)
    if named is None and country is None:
        named = named_modifier(ctx, men, history)
    sector = _sector(ctx, men, hi)
    if hi.get("label"):
        men.extras["label"] = head.lower_
    canon = _canon(ctx, men, hi)
    needs_ante = men.extras.pop("_needs_ante", False)
    if named is None and country is None and men.kind in ("institution", "title", "group"):
        if code_reference(ctx, men, history, pron, sector, canon):
            return
        if needs_ante:
            men.info = {}
            return
    if men.kind == "person":
        c = country["country"] if country else (named or {}).get("country")
        code_person(ctx, men, c, (named or {}).get("sector"))
    elif named is not None:
        _code_named(ctx, men, named, hi, sector, canon)
    else:
        _code_common(ctx, men, country["country"] if country else None, hi, sector, canon)


def _code_named(ctx: ActorDoc, men: Mention, named: dict, hi: dict, sector: str | None, canon: str) -> None:
    """A phrase whose modifier is a named actor: an officer of that body ("NATO Secretary General"),
    an office of a named person, or the named actor itself."""
    head, role_heads = ctx.doc[men.head], ctx.lex.role_heads
    if hi.get("kind") == "title" and named.get("kind") != "person":
        # "NATO Secretary General", "President of the UN Security Council": an officer of the body
        men.info = {"name": f"{named['name']} {head.text.lower()}", "country": named.get("country"),
                    "sector": named.get("sector") if named.get("country") in _NON_STATE
                    or head.lower_ in role_heads else sector, "entity": f"{named['entity']}_{canon}"}
    elif named.get("kind") == "person":
        c = named.get("country")
        men.info = {"name": f"{named['name']} {canon.replace('_', ' ')}", "country": c, "sector": sector,
                    "entity": f"{(c or 'xxx').lower()}_{canon}"}
    else:
        men.info = {k: named.get(k) for k in ("name", "country", "sector", "entity")}
        if head.lower_ in role_heads or hi.get("kind") == "title":
            men.info["sector"] = named.get("sector")


def _code_common(ctx: ActorDoc, men: Mention, c: str | None, hi: dict, sector: str | None, canon: str) -> None:
    """A phrase with no named actor: its country word, else (institutions, titles and domestic
    groups) the document's country; a tagged organisation keeps its own name."""
    doc = ctx.doc
    # a domestic group with no country of its own ("protesters", "workers", "militants") is
    # where the document is; refugees, foreign "states" and monitors are not
    domestic_group = hi.get("kind") == "group" and hi.get("sector") in ctx.lex.domestic_group_sectors
    if c is None and (hi.get("kind") in ("institution", "title") or domestic_group) and men.kind != "person" \
            and hi.get("context", True):
        c = ctx.ctx_country
        if c:
            men.extras["country_from"] = "context"
    if men.kind == "org":
        text = doc[men.start:men.end].text
        words = [ctx.lex.heads.get(doc[j].lower_) for j in range(men.start, men.end)]
        sec = next((w["sector"] for w in reversed(words) if w), None)
        men.info = {"name": text, "country": c, "sector": sec, "entity": slug(text)}
        return
    men.extras["canon"] = canon
    name = canon.replace("_", " ")
    if c:
        from eventwire.gazetteer.countries import by_iso3

        cname = (by_iso3().get(c) or {}).get("name") or c
        name = f"{cname} {name}"
    # an unowned force ("warplanes", "gunmen") names no one: no entity id, so it never stands for a
    # perpetrator of its own when reports are compared
    entity = f"{c.lower()}_{canon}" if c else (None if hi.get("context") is False else canon)
    men.info = {"name": name, "country": c, "sector": sector, "entity": entity}


def possessor_country(ctx: ActorDoc, men: Mention) -> str | None:
    """The country named as the possessor of a phrase that left it out ("Japan 's Prime Minister
    Shinzo Abe", where the phrase starts at the title)."""
    for j in range(men.start, men.end):
        for k in ctx.doc[j].children:
            m = ctx.matches.get(k.i)
            if k.dep_ == "poss" and k.i < men.start and m is not None and m[2]["match"] in ("country", "demonym"):
                return m[2]["country"]
    return None


def known_person(ctx: ActorDoc, men: Mention) -> None:
    """A named person with no country word gets the country the Phoenix actor dictionary says
    they act for on the article's date ("Vice-President Moody Awori" -> KEN; Mohamed ElBaradei is
    the UN's in 2005 and Egypt's in 2013), and the sector of that role unless a title said one.
    The dictionary beats the country of the document context, which a bare title would take."""
    doc = ctx.doc
    toks = [doc[j] for j in range(men.start, men.end)]
    known = None
    for k in range(len(toks) - 1):  # the longest run of proper nouns ending the phrase, titles dropped
        run = toks[k:]
        # name particles ("bin", "al", "dos") are short lower-case words inside the run
        if len(run) >= 2 and run[0].pos_ == "PROPN" and all(
                t.pos_ == "PROPN" or t.text == "-" or t.is_lower and t.is_alpha and len(t) <= 3 for t in run):
            known = people().get(" ".join(" ".join(t.text for t in run).replace("-", " ").lower().split()))
            if known is not None:
                break
    if known is not None:
        day = (meta(doc).get("published") or "")[:10] or None
        country, sector = role_on(known, day)
        men.info["country"] = country
        men.info["sector"] = men.info.get("sector") or sector or None
        men.extras["country_from"] = "dictionary"


def code_person(ctx: ActorDoc, men: Mention, country: str | None, sector: str | None) -> None:
    """A person: the name without its titles, the title's sector, the document's country for a
    titled name with no country word."""
    doc, lex = ctx.doc, ctx.lex
    title_sector = None
    first_name = men.start
    for j in range(men.start, men.head + 1):
        h = lex.heads.get(doc[j].lower_)
        # the tagger often takes a title into the name ("Vice-President Moody Awori"): a title word
        # before the head is still a title
        if h and h["kind"] == "title" and (doc[j].ent_type_ != "PERSON" or j < men.head):
            title_sector = title_sector or h["sector"]
            first_name = j + 1
        elif doc[j].lower_ in lex.mod_sector and doc[j].ent_type_ != "PERSON":
            title_sector = lex.mod_sector[doc[j].lower_]
    name_toks = [doc[j] for j in range(first_name, men.head + 1) if doc[j].ent_type_ == "PERSON"]
    name = " ".join(x.text for x in name_toks) or doc[men.head].text
    if country is None and title_sector is not None and ctx.ctx_country:
        # "President Laurent Gbagbo" with no country word: an office holder of the country the
        # text is about, as a bare "the president" would be
        country = ctx.ctx_country
        men.extras["country_from"] = "context"
    men.info = {"name": name, "country": country, "sector": title_sector or sector, "entity": slug(name)}
