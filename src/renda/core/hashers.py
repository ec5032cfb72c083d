"""A cheaper hasher for random first passwords only.

First passwords are 12 random characters (about 70 bits) and must be changed at the first
sign-in, when Django re-hashes the new password with the default, slow hasher. Hashing them
cheaply lets staff issue a credentials sheet for thousands of deputies in seconds.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class InitialPasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_initial"
    iterations = 2000
