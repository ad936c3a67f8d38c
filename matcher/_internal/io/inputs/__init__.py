"""Readers: tables in any format a user has, turned into validated records and a `Problem`."""
