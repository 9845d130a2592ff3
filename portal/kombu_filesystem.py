"""kombu's filesystem transport (the embedded default's Celery broker), its messages written whole.

kombu creates a message's file under its final name and then writes into it. A worker listing
the folder in between took the empty file, failed to read it as JSON and stopped for good
("Unrecoverable error: JSONDecodeError"; kombu issue #1551, open), and the message, written on
into the file it had already taken away, was lost: beat's sweep sending while the worker
polled was enough, a minute after `scripts/run.sh` started. Here each message is written under
a name the worker does not read (`….msg.part`) and renamed into place when complete, which
is atomic on one file system; the rest is kombu's.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Put the message on the queue: kombu's name and content, but written before named."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        filename = os.path.join(self.data_folder_out, name)
        partial = f"{filename}.part"  # not `<queue>.msg`: no worker takes it
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, filename)
        except OSError as exc:
            try:
                os.remove(partial)
            except OSError:
                pass
            raise ChannelError(f"Cannot add file {filename!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
