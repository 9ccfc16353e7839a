"""Password hashing: Argon2id with the parameters OWASP's Password Storage Cheat Sheet gives as
its baseline (19 MiB of memory, 2 passes, 1 lane).

Django's own Argon2 defaults (100 MiB, 8 lanes) took about 240 ms a login on the 2-core server
the portal is sized for, and under 50 people at once the logins alone took a third of its CPU.
The baseline keeps Argon2id's memory-hardness at about 45 ms. The algorithm name stays
"argon2", so hashes made with other parameters still verify and are re-hashed at the next login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
