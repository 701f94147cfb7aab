"""`cakupan signing_key list|rotate|retire KID`: the Ed25519 keys that sign certificate codes.

Private keys never leave their files: `list` shows key ids, dates and public fingerprints only.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from cakupan.compliance.signing import key_dir, key_list, key_retire, key_rotate
from cakupan.lib.command import CakupanCommand


class Command(CakupanCommand):
    help = (
        "Kunci penanda tangan kode sertifikat / Keys that sign certificate codes: "
        "list, rotate, retire KID."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Show every key: id, created, public fingerprint, which signs.")
        sub.add_parser(
            "rotate",
            help="Make a new key that signs from now on; older keys keep verifying.",
        )
        retire = sub.add_parser(
            "retire", help="Delete a key: certificates signed with it stop verifying."
        )
        retire.add_argument("kid", help="The key id, e.g. k20261125a (see `signing_key list`).")

    def handle_cakupan(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "rotate":
            kid = key_rotate()
            self.stdout.write(
                f"Kunci baru {kid} kini menandatangani; kunci lama tetap memverifikasi. / "
                f"New key {kid} signs from now on; older keys keep verifying."
            )
            self.stdout.write(
                "Pensiunkan kunci lama dengan `cakupan signing_key retire KID` bila perlu. / "
                "Retire an old key with `cakupan signing_key retire KID` when needed."
            )
        elif action == "retire":
            kid = options["kid"]
            key_retire(kid)
            self.stdout.write(
                f"Kunci {kid} dihapus; sertifikat yang ditandatanganinya tidak sah lagi. / "
                f"Key {kid} deleted; certificates it signed no longer verify."
            )
        else:
            keys = key_list()
            if not keys:
                self.stdout.write(
                    f"Belum ada kunci di {key_dir()}; kunci pertama dibuat saat sertifikat "
                    "pertama diterbitkan, atau dengan `cakupan signing_key rotate`. / "
                    f"No keys in {key_dir()} yet; the first is made with the first certificate, "
                    "or with `cakupan signing_key rotate`."
                )
                return
            self.stdout.write("kid\tdibuat/created\tsidik jari/fingerprint\tperan/role")
            for key in keys:
                role = "menandatangani/signs" if key.signing else "memverifikasi/verifies"
                created = key.created.strftime("%Y-%m-%d %H:%M")
                self.stdout.write(f"{key.kid}\t{created}\t{key.fingerprint}\t{role}")
