#!/usr/bin/env python3
"""A fake Paystack for bench/order_create.sh: answers POST /charge
(accepted), GET /transaction/verify/<ref> (pending) and POST /refund after
LATENCY_MS. Usage: fake_paystack.py <port> <latency_ms>."""
import sys

from fake_http import serve

CHARGE = b'{"status":true,"message":"Charge attempted","data":{"status":"send_otp","display_text":"Approve on your phone"}}'
VERIFY = b'{"status":true,"message":"Verification successful","data":{"status":"pending"}}'


def answer(head, _body):
    return b"200 OK", VERIFY if head.startswith(b"GET") else CHARGE


serve(int(sys.argv[1]), answer, delay_s=int(sys.argv[2]) / 1000.0)
