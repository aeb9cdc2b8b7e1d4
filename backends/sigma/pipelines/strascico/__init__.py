"""pySigma plugin: the strascico taxonomy pipeline (listed by `sigma list pipelines`)."""

from .pipeline import strascico_pipeline

pipelines = {
    "strascico": strascico_pipeline,
}
