"""What goes on the wire: the app's Socket.IO packets are the stock packets, byte for byte."""

from __future__ import annotations

import pytest
from socketio import packet as stock

from playtest.realtime import JsonPacket

PAYLOADS = [
    ["state", {"reflections": [{"id": 1, "text": "Shared desk — «vite»", "votes": 0}], "me": None}],
    ["reflection:added", {"id": 7, "lane": "Blockers", "author": None, "hidden": False}],
    ["presence", {"online": 3, "by_role": {"Intake officer": 2}, "staff": 1}],
    [],
]


@pytest.mark.parametrize("data", PAYLOADS)
@pytest.mark.parametrize("namespace", ["/live", "/", None])
def test_a_packet_encodes_as_the_stock_packet_does(data, namespace):
    for kind, packet_id in ((stock.EVENT, None), (stock.ACK, 12)):
        ours = JsonPacket(kind, data=data, namespace=namespace, id=packet_id)
        theirs = stock.Packet(kind, data=data, namespace=namespace, id=packet_id)
        assert ours.encode() == theirs.encode()
        decoded = stock.Packet(encoded_packet=ours.encode())
        assert decoded.data == data and (decoded.namespace or "/") == (namespace or "/")


def test_a_payload_with_bytes_still_travels_as_a_binary_event():
    data = ["file", {"name": "notes.txt", "body": b"\x00\x01binary"}]
    ours = JsonPacket(stock.EVENT, data=data, namespace="/live")
    assert ours.packet_type == stock.BINARY_EVENT
    assert ours.encode() == stock.Packet(stock.EVENT, data=data, namespace="/live").encode()
