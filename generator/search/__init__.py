"""Search: one tokenizer, a whoosh index for the terminal, and a static index for the browser.

    tokens     text → terms with positions (mirrored exactly by static/search.js)
    documents  the model → the documents a citizen can find (pure)
    engine     whoosh index: build and query, for `disclose search`
    static     sharded JSON postings and document shards, fetched per query by the browser
"""
