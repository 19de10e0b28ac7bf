"""stepprop's engine: a pure-NumPy network whose training step is one event per matrix operation."""

from engine import datasets, doctor, export, trace
from engine.doctor import Diagnosis, diagnose
from engine.events import PHASES, Event
from engine.gradcheck import gradient_check
from engine.network import Network

__all__ = ["Network", "Event", "PHASES", "gradient_check", "datasets", "diagnose", "Diagnosis", "doctor", "export",
           "trace"]
