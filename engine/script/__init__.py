"""A learner's own script: run it under limits, record every line's arrays, diagnose the failing one, infer its twin."""

from engine.script.events import ScriptEvent, build, trace
from engine.script.failure import Diagnosis, diagnose_failure
from engine.script.recording import Record, Recording
from engine.script.report import report
from engine.script.runner import MEMORY_MB, TIMEOUT, run
from engine.script.twin import Twin, infer, match

__all__ = ["run", "trace", "build", "report", "infer", "match", "diagnose_failure", "Recording", "Record",
           "ScriptEvent", "Diagnosis", "Twin", "TIMEOUT", "MEMORY_MB"]
