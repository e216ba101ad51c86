"""``python -m sigv4.compat.requests_auth_aws_sigv4 URL [-i] [-v] [-H H] [-X M] [-d K=V]
[--service S] [--region R] [--debug]``: a request signed with AWS SigV4, as the original's
command line (curl-like options; the service and region guessed from AWS host names)."""

import argparse
import logging
import os.path
import re
import sys
from collections import OrderedDict

import requests
from requests.compat import urlparse

from . import AWSSigV4


def parse_response_headers(resp):
    """The status line and the headers, sorted by name."""
    yield "HTTP/{} {} {}".format(resp.raw.version / 10.0, resp.status_code, resp.reason)
    for name, value in OrderedDict(sorted(resp.headers.items(), key=lambda t: t[0])).items():
        yield "{}: {}".format(name, value)


def main(argv=None):
    prog = os.path.basename(os.path.dirname(os.path.abspath(__file__)))
    logging.basicConfig()
    log = logging.getLogger(prog)
    cli = argparse.ArgumentParser(prog=prog, description="Send a request with AWS Signature V4 added for authentication")
    cli.add_argument("url", help="Request URL")
    cli.add_argument("-i", "--include", action="store_true", help="Include protocol response headers in the output")
    cli.add_argument("-H", "--header", action="append", help="Pass custom header(s) to server")
    cli.add_argument("-v", "--verbose", action="store_true", help="Make the operation more talkative")
    cli.add_argument("-X", "--request", default="GET", metavar="<command>",
                     choices=["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"],
                     help="Specify request command to use")
    cli.add_argument("-d", "--data", action="append", help="HTTP POST data; changes request command to 'POST'")
    cli.add_argument("--debug", action="store_true", help="Enable debug output")
    cli.add_argument("--service", help="Name of service for AWS Signature")
    cli.add_argument("--region", help="AWS Region Name")
    args = cli.parse_args(argv)
    if args.debug:
        log.setLevel(logging.DEBUG)
    m = re.search(r"([a-z0-9-]+)\.([a-z]{2}-[a-z]+-\d{1})\.", args.url)
    if args.service is None:
        if not m:
            print("Couldn't determine service, option --service is needed")
            return 2
        args.service = m.group(1)
    if args.region is None and m is not None:
        args.region = m.group(2)
    post_data = None
    if args.data:
        args.request = "POST"
        post_data = dict(d.split("=", 1) for d in args.data)
    headers = None
    if args.header:
        headers = dict((k.strip(), v.strip()) for k, v in (h.split(":", 1) for h in args.header))
    try:
        auth = AWSSigV4(args.service, region=args.region)
    except KeyError as e:
        print(e.args[0] if e.args else e, file=sys.stderr)
        return 2
    r = requests.request(args.request, args.url, headers=headers, data=post_data, auth=auth)
    if args.verbose:
        url = urlparse(r.request.url)
        print("> {} {} HTTP/{}".format(r.request.method, url.path, r.raw.version / 10.0), file=sys.stderr)
        req_headers = r.request.headers.copy()
        if "Host" in req_headers:
            print("> Host:", req_headers.pop("Host"), file=sys.stderr)
        for key, value in req_headers.items():
            print("> {}: {}".format(key, value), file=sys.stderr)
        print(">", file=sys.stderr)
        for line in parse_response_headers(r):
            print("<", line, file=sys.stderr)
    if args.include:
        for line in parse_response_headers(r):
            print(line)
        print()
    try:
        json_data = r.json()
        if isinstance(json_data, dict) and len(json_data) <= 1:
            print("".join(str(v) for v in json_data.values()))
        else:
            print(json_data)
    except ValueError:
        print(r.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
