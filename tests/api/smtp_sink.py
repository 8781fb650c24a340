#!/usr/bin/python3
# A mail server for the notification tests (Debian python3-aiosmtpd):
# listens on 127.0.0.1:PORT and writes each message it accepts, as received,
# to DIR/N.eml (written to N.tmp, then renamed, so a reader never sees half
# of one), with its envelope recipients in DIR/N.rcpt. While a file named
# REJECT exists in DIR, every recipient is refused with a temporary 451.
#
#   /usr/bin/python3 tests/api/smtp_sink.py PORT DIR
import asyncio
import itertools
import os
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory):
        self.dir = directory
        self.seq = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if os.path.exists(os.path.join(self.dir, 'REJECT')):
            return '451 4.3.0 try again later (test)'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        n = next(self.seq)
        base = os.path.join(self.dir, str(n))
        with open(base + '.rcpt', 'w') as f:
            f.write('\n'.join(envelope.rcpt_tos))
        with open(base + '.tmp', 'wb') as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(base + '.tmp', base + '.eml')
        return '250 2.0.0 accepted'


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    loop = asyncio.new_event_loop()
    handler = Sink(directory)
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(handler, decode_data=False, enable_SMTPUTF8=True), '127.0.0.1', port))
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == '__main__':
    main()
