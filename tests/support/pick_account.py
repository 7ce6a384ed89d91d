# pick_account.py URL [STATUS...]: the account a support flow looks for at its worst: the last
# one (of those STATUS, default any) in the listing order of the connection that has the most
# accounts, so the listing reaches it last. Prints "connection id identifier status position pages"
# (position: 0-based place in that connection's listing; pages: of 99). Uses skemu's demo
# credentials (the secret goes in the POST body, never in argv or a URL).
import json, sys, urllib.parse, urllib.request

url, want = sys.argv[1], set(sys.argv[2:])
body = b"grant_type=client_credentials&client_id=skc_demo&client_secret=skemu-demo-secret"
tok = json.load(urllib.request.urlopen(url + "/oauth/token", data=body))["access_token"]

def get(path):
    r = urllib.request.Request(url + path, headers={"Authorization": "Bearer " + tok})
    return json.load(urllib.request.urlopen(r))

names, token = [], ""
while True:
    page = get("/api/v1/connections/app?page_size=30&page_token=" + urllib.parse.quote(token))
    names += [c["key_id"] for c in page["connections"]]
    token = page.get("next_page_token") or ""
    if not token:
        break
q = lambda n: "/api/v1/connected_accounts?page_size=99&connector=" + urllib.parse.quote(n)
sizes = {n: get(q(n).replace("page_size=99", "page_size=1"))["total_size"] for n in names}
best = max(names, key=lambda n: sizes[n])
pick, pos, token, pages = None, 0, "", 0
while True:
    page = get(q(best) + "&page_token=" + urllib.parse.quote(token))
    pages += 1
    for a in page["connected_accounts"]:
        if not want or a.get("status") in want:
            pick = (a, pos)
        pos += 1
    token = page.get("next_page_token") or ""
    if not token:
        break
a, p = pick
print(best, a["id"], a["identifier"], a.get("status", ""), p, pages)
