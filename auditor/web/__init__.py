"""The workspace (`auditor serve`): where the office and the departments work the gaps, over the same store.

Thin handlers over the store and the findings each audit wrote: nothing here decides a status or counts a gap
anew — an open gap, its deadline and its days overdue are the findings' own. Every request's user and role are
read from the store on the server; decisions go in as review events (honoured by the next audit like
reviews.yaml's), responses and reassignments as rows the next audit reads (auditor.responses).

- passwords: the slow hash (scrypt) and nothing else
- guard: sessions, the sign-in throttle, CSRF tokens, security headers — who is asking, and may they
- views: what the pages show, read from the newest audit (scoped by role), and the trend
- actions: the forms' effects (decide, respond, reassign, re-check)
- app: routes, templates, the ASGI application
"""
