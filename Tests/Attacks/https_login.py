#!/usr/bin/env python3
"""Logs in to a staff page over HTTPS as a browser would, for the tests.

    https_login.py HOST PORT CAFILE USER PASSWORD

Checks the server's certificate against CAFILE, gets /login (its form token and cookie),
posts the form with Origin, and prints one JSON line: the statuses, the HSTS header and the
cookies set.
"""
import http.client
import json
import re
import ssl
import sys
import urllib.parse

host, port, cafile, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
context = ssl.create_default_context(cafile=cafile)
connection = http.client.HTTPSConnection(host, port, context=context, timeout=10)
connection.request("GET", "/login")
page = connection.getresponse()
body = page.read().decode()
hsts = page.getheader("Strict-Transport-Security")
form_cookie = (page.getheader("Set-Cookie") or "").split(";")[0]
token = re.search(r'name="csrf" value="([^"]*)"', body).group(1)
form = urllib.parse.urlencode({"username": user, "password": password, "csrf": token})
connection.request("POST", "/login", body=form, headers={
    "Content-Type": "application/x-www-form-urlencoded", "Cookie": form_cookie, "Origin": f"https://{host}:{port}"})
reply = connection.getresponse()
reply.read()
print(json.dumps({"get": page.status, "hsts": hsts, "post": reply.status,
                  "cookies": reply.headers.get_all("Set-Cookie") or [], "location": reply.getheader("Location")}))
