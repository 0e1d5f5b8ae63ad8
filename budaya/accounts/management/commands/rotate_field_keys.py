from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from budaya.accounts import crypto

# Every column written by crypto.EncryptedTextField: (table, column).
ENCRYPTED_COLUMNS = [("accounts_twofactordevice", "secret")]


class Command(BaseCommand):
    help = (
        "Encrypt every stored secret again with the first key of BUDAYA_FIELD_KEYS (issue 17). "
        "Run after putting a new key first; then the old keys may be removed."
    )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        fernet = crypto.fernet()
        count = 0
        with connection.cursor() as cursor:
            for table, column in ENCRYPTED_COLUMNS:
                quoted_table, quoted_column = (
                    connection.ops.quote_name(n) for n in (table, column)
                )
                cursor.execute(f"SELECT id, {quoted_column} FROM {quoted_table}")  # noqa: S608
                for pk, token in cursor.fetchall():
                    rotated = fernet.rotate(token.encode()).decode()
                    cursor.execute(
                        f"UPDATE {quoted_table} SET {quoted_column} = %s WHERE id = %s",  # noqa: S608
                        [rotated, pk],
                    )
                    count += 1
        self.stdout.write(f"{count} secrets encrypted with the first key.")
