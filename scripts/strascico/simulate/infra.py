"""The simulated company's systems: hosts, addresses, accounts (all synthetic).

Public addresses come only from the documentation blocks (RFC 5737): 198.51.100.0/24 for
citizens on the portal, 192.0.2.0/24 for staff working from home, 203.0.113.0/24 for the
attacker and for login noise from abroad. Internal addresses are private (10.0.0.0/8).
"""

from __future__ import annotations

import random

PORTAL_HOST = "portal01"  # nginx + the portal's login service
DB_HOST = "db01"  # MariaDB: live portal schema and the 2022 exam archive
WEB_APP_IP = "10.20.0.10"  # the portal application server, as db01 sees it
BACKUP_STORE = "10.20.0.50"
PORTAL_SCHEMA = "portale"
ARCHIVE_SCHEMA = "concorso2022"
ARCHIVE_TABLES = ("candidati", "graduatoria", "recapiti_candidati")
APP_ACCOUNT = "portale_app"
BACKUP_ACCOUNT = "backup"
REPORT_ACCOUNT = "hr_report"

# the attack
ATTACKER_IP = "203.0.113.66"
ATTACKER_COUNTRY = "NL"  # a rented server abroad
EXFIL_HOST = "203.0.113.99"
STOLEN_ACCOUNT = "adm.concorsi"  # portal and database principal the attacker used
ATTACKER_SHELL_USER = "concorsi"  # Linux account on db01
SCRAPER_AGENT = "python-requests/2.31.0"

BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 "
    "Mobile Safari/537.36",
)
PROBE_AGENT = "curl/8.5.0"  # the uptime probe: a scripted client, but never on applicant pages
FOREIGN_LOGIN_NOISE = ("RU", "CN", "BR", "VN", "US")  # credential stuffing that never succeeds


def citizen_ip(rng: random.Random) -> str:
    return f"198.51.100.{rng.randrange(1, 255)}"


def home_ip(rng: random.Random) -> str:
    return f"192.0.2.{rng.randrange(1, 255)}"


def office_ip(index: int) -> str:
    """A staff workstation behind the office network, stable per employee."""
    return f"10.10.{index // 250}.{index % 250 + 1}"
