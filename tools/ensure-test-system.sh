#!/usr/bin/env bash
# What the tests need from the machine, installed or started if missing: what the office itself
# needs (tools/ensure-office-system.sh: fonts, poppler, Tesseract), then RabbitMQ with its
# management API (Nameko's test fixtures make a vhost per test through it), Debian's Chromium
# (browser tests), wireguard-tools (`wg` checks the VPN keys and configs we make), SoftHSM2 (a
# real PKCS#11 token for signing tests) and NSS's certutil (the trust database pdfsig verifies
# against).
set -euo pipefail

"$(dirname "$0")/ensure-office-system.sh"

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v rabbitmq-server >/dev/null || need+=(rabbitmq-server)
command -v wg >/dev/null || need+=(wireguard-tools)
command -v softhsm2-util >/dev/null || need+=(softhsm2)
command -v certutil >/dev/null || need+=(libnss3-tools)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing system packages: ${need[*]}. Install them: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "Installing ${need[*]} ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! rabbitmqctl -q status >/dev/null 2>&1; then
  echo "Starting RabbitMQ ..."
  rabbitmq-server -detached
  for _ in $(seq 60); do rabbitmqctl -q status >/dev/null 2>&1 && break; sleep 1; done
fi
rabbitmq-plugins -q is_enabled rabbitmq_management >/dev/null 2>&1 \
  || rabbitmq-plugins -q enable rabbitmq_management >/dev/null
for _ in $(seq 60); do
  curl -fsS -u guest:guest http://127.0.0.1:15672/api/overview >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "RabbitMQ's management API did not come up on 127.0.0.1:15672" >&2
exit 1
