"""Re-encrypting stored personal data under the newest key, a batch per transaction."""

from django.db import connection, transaction

from . import keys

# (table, encrypted columns): every column written through an Encrypted*Field.
ENCRYPTED_COLUMNS = [("clients", ("email", "phone"))]


def rotate_table(*, table, columns, batch_size=500):
    """Re-encrypt `columns` of every row of `table`; returns the number of rows rewritten.

    Keyset pagination by id and one short transaction per batch: rows stay readable throughout
    (old keys still decrypt), and no lock is held for long. The keyed hashes do not change, so the
    audit trigger records nothing (only ciphertexts moved).
    """
    done, last_id = 0, None
    select = f"SELECT id, {', '.join(columns)} FROM {table} {{where}} ORDER BY id LIMIT %s"
    update = f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in columns)} WHERE id = %s"
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            if last_id is None:
                cursor.execute(select.format(where=""), [batch_size])
            else:
                cursor.execute(select.format(where="WHERE id > %s"), [last_id, batch_size])
            batch = cursor.fetchall()
            if not batch:
                return done
            cursor.executemany(
                update,
                [[keys.rotate(value) if value is not None else None for value in values] + [pk]
                 for pk, *values in batch],
            )
        done += len(batch)
        last_id = batch[-1][0]
