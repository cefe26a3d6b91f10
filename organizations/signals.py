"""Signals of the party tree for the apps that keep figures by subtree (issue 18).

`subtree_moved`: sent by `Organization.objects.move` after a unit and its subtree moved under
another parent, inside the mover's transaction, with `unit_id`, `before` and `after` (the ids of
its ancestors before and after the move, root first, itself excluded). The assessment app moves
its subtree counts with it (assessment/rollups.py); organizations cannot import it.
"""

from django.dispatch import Signal

subtree_moved = Signal()
