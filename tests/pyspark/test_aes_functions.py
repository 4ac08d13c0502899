"""aes_encrypt / aes_decrypt / try_aes_decrypt: fixed-IV encryptions and decryption
of ciphertexts real Spark produced (answers recorded from it), round trips for the
random-IV forms, and Spark's errors for keys, modes, paddings, IVs and AAD."""

from __future__ import annotations

from pyspark.sql import functions as F

import golden

KEY16 = "abcdefghijklmnop"
KEY24 = "abcdefghijklmnop12345678"
KEY32 = "abcdefghijklmnop12345678ABCDEFGH"


def test_aes_fixed_iv(spark, request):
    df = spark.createDataFrame([("Spark", KEY32, "000000000000000000000000", "00000000000000000000000000000000",
                                 "This is an AAD mixed into the input"),
                                ("", KEY16, "0102030405060708090a0b0c", "0102030405060708090a0b0c0d0e0f10", ""),
                                ("a longer input of more than one block", KEY24, "ffffffffffffffffffffffff",
                                 "ffffffffffffffffffffffffffffffff", "x")],
                               "input string, key string, gcm_iv string, cbc_iv string, aad string")
    golden.check(request, "gcm", df.select(F.base64(F.aes_encrypt(
        "input", "key", F.lit("GCM"), F.lit("DEFAULT"), F.to_binary("gcm_iv", F.lit("hex")), "aad"))))
    golden.check(request, "gcm_no_aad", df.select(F.base64(F.aes_encrypt(
        "input", "key", F.lit("gcm"), F.lit("NONE"), F.to_binary("gcm_iv", F.lit("hex"))))))
    golden.check(request, "cbc", df.select(F.hex(F.aes_encrypt(
        "input", "key", F.lit("CBC"), F.lit("PKCS"), F.to_binary("cbc_iv", F.lit("hex"))))))
    golden.check(request, "ecb", df.select(F.hex(F.aes_encrypt("input", "key", F.lit("ECB")))))


def test_aes_decrypt_spark_ciphertexts(spark, request):
    df = spark.createDataFrame([
        ("AAAAAAAAAAAAAAAAQiYi+sTLm7KD9UcZ2nlRdYDe/PX4", KEY32, "GCM", "This is an AAD mixed into the input"),
        ("AAAAAAAAAAAAAAAAAAAAAPSd4mWyMZ5mhvjiAPQJnfg=", KEY32, "CBC", ""),
        ("g/FrKqcEeUEygC0kjmv9TjgAeBgtFUSBOJisl+cJsoqU", "0000111122223333", "GCM", ""),
        (None, KEY16, "GCM", ""),
    ], "input string, key string, mode string, aad string")
    golden.check(request, "decrypt", df.select(
        F.aes_decrypt(F.unbase64("input"), "key", "mode", F.lit("DEFAULT"), "aad").cast("string"),
        F.try_aes_decrypt(F.unbase64("input"), "key", "mode", F.lit("DEFAULT"), "aad").cast("string")))
    golden.check(request, "sql", spark.sql(
        "SELECT aes_decrypt(unhex('83F16B2AA704794132802D248E6BFD4E380078182D1544813898AC97E709B28A94'), "
        "'0000111122223333') AS a, try_aes_decrypt(X'00', '0000111122223333') AS b, "
        "CAST(aes_decrypt(unhex('8DE7DB79A23F3E8ED530994DDEA98913'), '1234567890abcdef', 'ECB') AS STRING) AS c"))


def test_aes_round_trip(spark, request):
    df = spark.createDataFrame([("Spark SQL", KEY16), ("", KEY24), ("x" * 100, KEY32), (None, KEY16)],
                               "input string, key string")
    for mode in ("GCM", "CBC", "ECB"):
        golden.check(request, f"round_trip_{mode.lower()}", df.select(F.aes_decrypt(
            F.aes_encrypt("input", "key", F.lit(mode)), "key", F.lit(mode)).cast("string").alias("r")))
    q = spark.sql("SELECT aes_encrypt('x', 'abcdefghijklmnop') AS e, aes_encrypt(NULL, 'abcdefghijklmnop') AS n")
    golden.check_schema(request, "schema", q.schema)
    rows = q.collect()
    assert len(rows[0].e) == 12 + 1 + 16 and rows[0].n is None


def test_aes_errors(spark, request):
    def err(name, sql):
        golden.check_error(request, name, lambda: spark.sql(sql).collect())

    err("key_length", "SELECT aes_encrypt('a', 'short')")
    err("cbc_none", "SELECT aes_encrypt('a', '1234567890abcdef', 'CBC', 'NONE')")
    err("mode", "SELECT aes_encrypt('a', '1234567890abcdef', 'XYZ')")
    err("ecb_iv", "SELECT aes_encrypt('a', '1234567890abcdef', 'ECB', 'DEFAULT', X'00000000000000000000000000000000')")
    err("iv_length", "SELECT aes_encrypt('a', '1234567890abcdef', 'GCM', 'DEFAULT', X'00')")
    err("cbc_aad", "SELECT aes_encrypt('a', '1234567890abcdef', 'CBC', 'DEFAULT', '', 'aad')")
    err("short_input", "SELECT aes_decrypt(X'0011', '1234567890abcdef')")
    err("bad_padding", "SELECT aes_decrypt(X'00112233445566778899AABBCCDDEEFF', '1234567890abcdef', 'ECB')")
    err("int_input", "SELECT aes_encrypt(1, '1234567890abcdef')")
    golden.check_error(request, "gcm_tag", lambda: spark.sql(
        "SELECT aes_decrypt(unbase64('AAAAAAAAAAAAAAAAQiYi+sTLm7KD9UcZ2nlRdYDe/PX4'), "
        "'abcdefghijklmnop12345678ABCDEFGH')").collect(), params=False)
